import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterReport, PageCaseResult } from '../browser/main.ts';
import { startChromium, type ChromiumSession } from '../harness/chromium.ts';
import { caseName } from '../harness/op-case.ts';
import { allOpCases } from './all.cases.ts';

// Every op case, on WebGPU in headless Chromium (SwiftShader), against the CPU
// twin: the same cases and the same runOpCase as the Node (Dawn) tests.
describe('op cases on WebGPU in headless Chromium match the CPU twin', () => {
  let session: ChromiumSession | undefined;
  let report: AdapterReport;
  let results: PageCaseResult[] = [];

  beforeAll(async () => {
    session = await startChromium();
    const page: Page = await session.openPage('/test/browser/index.html');
    await page.waitForFunction(() => 'opTests' in window, { timeout: 60_000 });
    report = await page.evaluate(() => window.opTests.adapter());
    if (!report.adapter) return;
    const started = Date.now();
    results = await page.evaluate(() => window.opTests.run());
    const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 3).map((r) => `${r.name} ${r.ms} ms`);
    console.log(`[chromium] ${results.length} op cases on ${report.adapter} in ${Date.now() - started} ms; slowest: ${slowest.join('; ')}`);
  }, 280_000);

  afterAll(async () => {
    await session?.close();
  });

  it('the page has a WebGPU adapter and is cross-origin isolated', () => {
    expect(report.adapter, `no WebGPU adapter in Chromium: ${report.reason}`).not.toBeNull();
    expect(report.crossOriginIsolated, 'COOP/COEP headers missing: the page is not cross-origin isolated').toBe(true);
  });

  it('the page ran every case of allOpCases', () => {
    expect(results.map((r) => r.name)).toEqual(allOpCases.map(caseName));
  });

  it.each(allOpCases.map((c, i) => [caseName(c), i] as const))('%s', (_name, i) => {
    const r = results.find((x) => x.index === i);
    expect(r, report.adapter ? 'the page returned no result for this case' : `no WebGPU adapter: ${report.reason}`).toBeDefined();
    expect(r!.error, r!.error ?? '').toBeNull();
    expect(r!.compared).toBeGreaterThan(0);
    expect(r!.worst, r!.where).toBeLessThanOrEqual(1);
  });
});
