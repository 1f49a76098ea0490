import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, type Browser, type Page } from 'puppeteer-core';
import { createServer, type ViteDevServer } from 'vite';

/** Debian's Chromium, or the browser the CHROMIUM environment variable names. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** SwiftShader (a CPU Vulkan) as the WebGPU adapter: works on machines without a GPU. */
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader'];
const QUIET_FLAGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

export interface ChromiumOptions {
  /** Start Chromium with the WebGPU flags (default true); false checks what a page does without WebGPU. */
  webgpu?: boolean;
  /** Longest a single page.evaluate may take, in ms (puppeteer's protocol timeout). */
  protocolTimeoutMs?: number;
}

export interface ChromiumSession {
  /** The dev server's origin, e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  readonly browser: Browser;
  /** Opens `path` (relative to the project root, e.g. '/test/browser/index.html') in a new tab. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Serves the project with Vite (cross-origin isolated, so SharedArrayBuffer is
 * available) and launches headless Chromium on it. A missing Chromium is a
 * failure that says how to install it, never a skip.
 */
export async function startChromium(options: ChromiumOptions = {}): Promise<ChromiumSession> {
  checkChromium();
  const server = await startViteServer();
  let profile: string | undefined;
  try {
    profile = await mkdtemp(join(tmpdir(), 'covid-ct-chromium-'));
    const flags = ['--headless=new', '--no-sandbox', ...(options.webgpu === false ? [] : WEBGPU_FLAGS), ...QUIET_FLAGS];
    const browser = await launch({
      executablePath: CHROMIUM,
      ignoreDefaultArgs: true,
      args: [...flags, `--user-data-dir=${profile}`],
      pipe: true,
      protocolTimeout: options.protocolTimeoutMs ?? 300_000,
    });
    const origin = serverOrigin(server);
    const userDataDir = profile;
    return {
      origin,
      browser,
      openPage: (path) => openPage(browser, origin + path),
      async close() {
        await browser.close().catch(() => {});
        await server.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    throw err;
  }
}

/** Throws, saying how to install it, when the browser is missing. */
export function checkChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests and benchmarks need Debian's Chromium; run \`apt-get install -y chromium\` (or name another browser in CHROMIUM)`);
  }
}

async function startViteServer(): Promise<ViteDevServer> {
  const server = await createServer({
    root: PROJECT_ROOT,
    logLevel: 'warn',
    clearScreen: false,
    server: {
      host: '127.0.0.1',
      port: 0,
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
      // A test run edits nothing: no file watching and no hot reload.
      watch: null,
      hmr: false,
    },
  });
  await server.listen();
  return server;
}

function serverOrigin(server: ViteDevServer): string {
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error(`the Vite dev server has no TCP address (${String(address)})`);
  return `http://127.0.0.1:${address.port}`;
}

/** A new tab at `url`, with the page's console errors and uncaught errors forwarded to the test output. */
async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (msg) => {
    const type = msg.type();
    const at = msg.location().url ? ` (${msg.location().url})` : '';
    if (type === 'error' || type === 'warn') console.error(`[chromium ${type}] ${msg.text()}${at}`);
  });
  page.on('pageerror', (err) => console.error(`[chromium page error] ${err instanceof Error ? err.stack ?? err.message : String(err)}`));
  page.on('requestfailed', (req) => console.error(`[chromium request failed] ${req.url()}: ${req.failure()?.errorText}`));
  const response = await page.goto(url, { waitUntil: 'load' });
  // 304: the page was opened before in this browser and is served from its cache.
  if (!response || !(response.ok() || response.status() === 304)) throw new Error(`${url}: HTTP ${response?.status() ?? 'no response'}`);
  return page;
}
