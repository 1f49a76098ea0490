// Puppeteer steps on the viewer page, by its data-testid hooks.
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { OUTPUT_DIR } from './viewer-fixtures.ts';

export interface PageResult {
  label: string;
  pCovid: number;
  latencyMs: number;
  latencyBackend: string;
  error: string | null;
  layerMethod: string | undefined;
  layers: { name: string; ms: number }[];
}

const text = (page: Page, id: string) => page.$eval(`[data-testid="${id}"]`, (e) => e.textContent ?? '');

/** Waits until the page has finished more classifications than `before` (each, with or without an error). */
export async function waitForFinished(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.finished ?? 0) > n, { timeout: 120_000 }, before);
}

export const finishedCount = (page: Page) => page.evaluate(() => Number(document.body.dataset.finished ?? 0));

/** Picks `file` in the file input with data-testid `testId`. */
export async function pickFile(page: Page, testId: string, file: string): Promise<void> {
  const input = (await page.$(`[data-testid="${testId}"]`)) as ElementHandle<HTMLInputElement> | null;
  if (!input) throw new Error(`the page has no file input ${testId}`);
  await input.uploadFile(file);
}

/** Opens `file` through the slice file input and waits for the page's answer. */
export async function openThroughPicker(page: Page, file: string): Promise<void> {
  const before = await finishedCount(page);
  await pickFile(page, 'file-input', file);
  await waitForFinished(page, before);
}

/** Drops `files` on the drop zone at once, as a browser would after a drag, and waits for the answer. */
export async function dropFile(page: Page, ...files: string[]): Promise<void> {
  const before = await finishedCount(page);
  const named = files.map((file) => [basename(file), readFileSync(file).toString('base64')]);
  await page.evaluate((all) => {
    const transfer = new DataTransfer();
    for (const [name, data] of all) transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name));
    const zone = document.querySelector('[data-testid="drop-zone"]')!;
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, named);
  await waitForFinished(page, before);
}

/** Waits until the page has answered a request after `before` and is no longer busy. */
export async function waitUntilIdle(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.finished ?? 0) > n && document.body.dataset.busy === 'false', { timeout: 120_000 }, before);
}

export async function readResult(page: Page): Promise<PageResult> {
  const error = await page.$eval('[data-testid="error"]', (e) => ((e as HTMLElement).hidden ? null : e.textContent));
  const timings = await page.$eval('[data-testid="layer-timings"]', (e) => {
    const table = e.querySelector('table');
    const rows = Array.from(table?.rows ?? []).map((r) => ({ name: r.dataset.layer!, ms: Number(r.cells[3].textContent) }));
    return { method: table?.dataset.method, rows };
  });
  return {
    label: await text(page, 'prediction'),
    pCovid: Number(await text(page, 'p-covid')),
    latencyMs: Number(await text(page, 'latency-ms')),
    latencyBackend: await text(page, 'latency-backend'),
    error,
    layerMethod: timings.method,
    layers: timings.rows,
  };
}

/** The canvas's pixels: how many distinct RGB colours, and the standard deviation of the red, green and blue values. */
export async function canvasStats(page: Page, id: string): Promise<{ colours: number; std: number; pixels: number[] }> {
  return page.$eval(`[data-testid="${id}"]`, (el) => {
    const canvas = el as HTMLCanvasElement;
    // Read through a copy made for reading, so the page's own canvas is left as it is.
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(canvas, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      for (let c = 0; c < 3; c++) {
        sum += data[i + c];
        sumSq += data[i + c] ** 2;
        n++;
      }
    }
    const mean = sum / n;
    return { colours: colours.size, std: Math.sqrt(sumSq / n - mean * mean), pixels: Array.from(data.subarray(0, 4000)) };
  });
}

export async function setOpacity(page: Page, value: number): Promise<void> {
  await page.$eval(
    '[data-testid="cam-opacity"]',
    (el, v) => {
      (el as HTMLInputElement).value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`) as `${string}.png`, fullPage: true });
}

export const errorText = (page: Page) => page.$eval('[data-testid="error"]', (e) => ((e as HTMLElement).hidden ? null : e.textContent));
export const statusOf = (page: Page, id: string) => text(page, id);
