import { describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { createNet } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { predictSet } from '../../src/train/evaluate.ts';
import type { ImageSet } from '../../src/train/image-set.ts';
import { predictViews, TTA_VIEWS, viewImage, viewSet } from '../../src/train/views.ts';

const pattern: ImageSet = { count: 2, size: 3, x: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1), labels: Float32Array.of(0, 1) };

describe('views', () => {
  it('turns every image by exact quarter turns', () => {
    const turned = viewSet(pattern, { name: 'r', degrees: 90, zoom: 1 });
    expect(Array.from(turned.x, (v) => Math.round(v * 1e5) / 1e5)).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7, 7, 4, 1, 8, 5, 2, 9, 6, 3]);
    expect(turned.labels).toBe(pattern.labels);
  });

  it('crops about the centre, enlarging the middle to the full size', () => {
    const ramp: ImageSet = { count: 1, size: 5, x: Float32Array.from({ length: 25 }, (_, i) => i % 5), labels: Float32Array.of(0) };
    const cropped = viewSet(ramp, { name: 'c', degrees: 0, zoom: 2 });
    expect(Array.from(cropped.x.subarray(10, 15))).toEqual([1, 1.5, 2, 2.5, 3]);
  });

  it('makes a view of a decoded slice: the central 1/zoom of each side in whole pixels, then turned counter-clockwise', () => {
    const image = { width: 6, height: 4, data: Float32Array.from({ length: 24 }, (_, i) => i) }; // row y holds 6y … 6y + 5
    expect(viewImage(image, { name: 'o', degrees: 0, zoom: 1 })).toEqual(image);
    expect(viewImage(image, { name: 'c', degrees: 0, zoom: 2 })).toEqual({ width: 3, height: 2, data: Float32Array.of(7, 8, 9, 13, 14, 15) });
    expect(viewImage(image, { name: 'rc', degrees: 90, zoom: 2 })).toEqual({ width: 2, height: 3, data: Float32Array.of(9, 15, 8, 14, 7, 13) });
    expect(viewImage(image, { name: 'r', degrees: 270, zoom: 1 }).data.subarray(0, 4)).toEqual(Float32Array.of(18, 12, 6, 0));
    expect(() => viewImage(image, { name: 'tilted', degrees: 45, zoom: 1 })).toThrow('view "tilted": 45° is not a quarter turn');
  });

  it('leaves the set alone for the identity view', () => {
    expect(viewSet(pattern, { name: 'o', degrees: 0, zoom: 1 })).toBe(pattern);
  });

  it('averages P(COVID) over the test-time views', async () => {
    const backend = new CpuBackend();
    const spec = buildNet('light-cnn', { size: 32 });
    const net = createNet(spec, backend, 3);
    const set: ImageSet = { count: 3, size: 32, x: new Random(2).normals(3 * 32 * 32), labels: Float32Array.of(0, 1, 0) };
    const perView = await Promise.all(TTA_VIEWS.map(async (view) => (await predictSet(net, viewSet(set, view), 2)).pCovid));
    const mean = await predictViews(net, set, 2, TTA_VIEWS);
    for (let i = 0; i < 3; i++) expect(mean[i]).toBeCloseTo(perView.reduce((s, p) => s + p[i], 0) / 4, 6);
    expect(new Set(perView.map((p) => p[0].toFixed(6))).size).toBeGreaterThan(1); // the views really differ
    net.dispose();
  });
});
