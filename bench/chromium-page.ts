import type { Browser, Page } from 'puppeteer-core';
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
    const lost = whenLost(page, session.browser);
    return {
      version,
      adapter,
      run: (c) => Promise.race([page.evaluate((pc) => window.benchPage.run(pc), c), lost]),
      close: () => session.close(),
    };
  } catch (err) {
    await session.close();
    throw err;
  }
}

/** Rejects when the page crashes or the browser exits, which would leave page.evaluate waiting out the protocol timeout (an hour here). */
export function whenLost(page: Page, browser: Browser): Promise<never> {
  const lost = new Promise<never>((_, reject) => {
    page.once('error', (err) => reject(new Error(`the bench page crashed (${err.message})`)));
    browser.once('disconnected', () => reject(new Error('Chromium exited')));
  });
  lost.catch(() => {}); // read by each run's race; unread, it is no unhandled rejection
  return lost;
}
