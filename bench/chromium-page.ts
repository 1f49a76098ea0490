import { startChromium, type ChromiumSession } from '../test/harness/chromium.ts';
import type { Measured } from './latency.ts';
import type { PageAdapter, PageCase } from './page-protocol.ts';

export interface BenchPage {
  /** Chromium's version, e.g. "Chrome/140.0.7339.185". */
  readonly version: string;
  readonly adapter: PageAdapter;
  run(c: PageCase): Promise<Measured>;
  close(): Promise<void>;
}

/** Headless Chromium on the project's Vite dev server (cross-origin isolated), with bench/page.html open. */
export async function openBenchPage(): Promise<BenchPage> {
  // A batch-32 case on SwiftShader can run for minutes inside one page.evaluate.
  const session: ChromiumSession = await startChromium({ webgpu: true, protocolTimeoutMs: 3_600_000 });
  try {
    const page = await session.openPage('/bench/page.html');
    await page.waitForFunction(() => 'benchPage' in window, { timeout: 120_000 });
    const adapter = await page.evaluate(() => window.benchPage.adapter());
    const version = await session.browser.version();
    return {
      version,
      adapter,
      run: (c) => page.evaluate((pc) => window.benchPage.run(pc), c),
      close: () => session.close(),
    };
  } catch (err) {
    await session.close();
    throw err;
  }
}
