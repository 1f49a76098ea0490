import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function demo(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [join(process.cwd(), 'bin/covid-ct.mjs'), 'demo', ...args], { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('covid-ct demo (npm start)', () => {
  it('without a WebGPU adapter says so and still classifies the samples on the CPU', async () => {
    const out = mkdtempSync(join(tmpdir(), 'demo-'));
    const run = await demo(process.cwd(), { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' }, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/webgpu:\nnot run: no WebGPU adapter: /);
    expect(run.stdout.split('\ncpu:\n')[1].match(/P\(COVID\) = 0\.\d{4}\t(COVID|NonCOVID)\t[\d.]+ ms\tcpu/g)).toHaveLength(3);
    expect(readdirSync(out)).toHaveLength(3);
  });

  it('run from another folder, names the samples it cannot find', async () => {
    const run = await demo(tmpdir(), process.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the sample slices src/viewer/samples are not found from ${tmpdir()} (run from the project folder)`);
  });
});
