// Makes a fresh clone runnable: installs npm dependencies when node_modules is
// missing or older than the lock file, and on Linux installs what gives WebGPU
// a software adapter (Debian's chromium ships SwiftShader; Dawn needs libvulkan1).
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const has = (cmd) => { try { execSync(cmd, { stdio: 'ignore' }); return true; } catch { return false; } };

function ensureNodeModules() {
  const stamp = 'node_modules/.package-lock.json';
  const fresh = existsSync(stamp) && statSync(stamp).mtimeMs >= statSync('package-lock.json').mtimeMs;
  if (fresh) return;
  console.error('[setup] node_modules missing or stale: running npm ci');
  run('npm ci --no-audit --no-fund');
}

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function ensureWebGpuDrivers() {
  if (process.platform !== 'linux') return;
  const missing = [];
  if (!existsSync('/usr/bin/chromium') || !existsSync(SWIFTSHADER_ICD)) missing.push('chromium');
  if (!has('ldconfig -p | grep -q libvulkan.so.1')) missing.push('libvulkan1');
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  if (!root || !has('command -v apt-get')) {
    console.error(`[setup] WebGPU needs the Debian packages ${missing.join(', ')} (SwiftShader Vulkan for machines without a GPU); ` +
      `install them with: sudo apt-get install -y ${missing.join(' ')}. Continuing: the cpu backend works without them.`);
    return;
  }
  console.error(`[setup] installing ${missing.join(', ')} (software WebGPU adapter)`);
  run(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} >/dev/null`);
}

ensureNodeModules();
ensureWebGpuDrivers();
