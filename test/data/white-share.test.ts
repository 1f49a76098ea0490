import { describe, expect, it } from 'vitest';
import { PREPROCESSING } from '../../src/train/data/preprocess.ts';
import { whiteBin, whiteBins, whiteShare } from '../../src/train/data/white-share.ts';

/** A 40 × 40 slice: black surround 5 px wide around a 30 × 30 body of grey 0.5 with `white` pixels at 1. */
function slice(white: number) {
  const data = new Float32Array(40 * 40);
  for (let y = 5; y < 35; y++) for (let x = 5; x < 35; x++) data[y * 40 + x] = (y - 5) * 30 + (x - 5) < white ? 1 : 0.5;
  return { width: 40, height: 40, data };
}

describe('white share of the body', () => {
  it('counts the near-white pixels of the body crop, not of the surround', () => {
    expect(whiteShare(slice(90))).toBeCloseTo(90 / 900, 6);
    expect(whiteShare(slice(0))).toBe(0);
  });

  it('bins as source-audit reports: 0–2%, 2–10%, 10–25%, 25–100%', () => {
    expect([0, 0.019, 0.02, 0.099, 0.1, 0.249, 0.25, 1].map(whiteBin)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('bins each image of a dataset-normalised set, from its first channel', () => {
    const images = [slice(0), slice(90), slice(300)];
    const normalised = (data: Float32Array) => data.map((v) => (v - PREPROCESSING.mean) / PREPROCESSING.std);
    const channels = 2;
    const x = new Float32Array(images.length * channels * 1600);
    images.forEach((image, i) => x.set(normalised(image.data), i * channels * 1600));
    expect(Array.from(whiteBins(x, images.length, 40))).toEqual([0, 2, 3]);
  });
});
