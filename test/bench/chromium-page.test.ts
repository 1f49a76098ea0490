import { describe, expect, it } from 'vitest';
import { whenLost } from '../../bench/chromium-page.ts';
import { startChromium } from '../harness/chromium.ts';

describe('the bench page', () => {
  it('gives up on a case at once when the page crashes, instead of waiting out the protocol timeout', async () => {
    const session = await startChromium({ webgpu: false, protocolTimeoutMs: 600_000 });
    try {
      const page = await session.openPage('/test/browser/index.html');
      const lost = whenLost(page, session.browser);
      const never = page.evaluate(() => new Promise(() => {}));
      never.catch(() => {});
      const started = performance.now();
      const cdp = await page.createCDPSession();
      cdp.send('Page.crash').catch(() => {}); // never answered: the page is gone
      // The case's evaluate may itself fail first ("Promise was collected"); either way the run stops at once, and whenLost names the crash.
      await expect(Promise.race([never, lost])).rejects.toThrow(/the bench page crashed|Protocol error .*Promise was collected/);
      await expect(lost).rejects.toThrow(/the bench page crashed/);
      expect(performance.now() - started).toBeLessThan(30_000);
    } finally {
      await session.close();
    }
  }, 90_000);
});
