import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/train/data/decode-image.ts';
import { PREPROCESSING, preprocess } from '../../src/train/data/preprocess.ts';
import { resizeGray } from '../../src/train/data/resize.ts';
import { COVID_CT_IMAGES } from './data-paths.ts';
import { mean, std } from './image-stats.ts';

const image = (width: number, height: number, values: number[]) => ({ width, height, data: Float32Array.from(values) });

describe('resizeGray', () => {
  it('area-averages a whole-factor shrink: 4 × 2 → 2 × 1 is the mean of each 2 × 2 block', () => {
    const out = resizeGray(image(4, 2, [0, 0.2, 0.4, 0.6, 0.8, 1, 0.1, 0.3]), 2, 1);
    expect(out.length).toBe(2);
    expect(out[0]).toBeCloseTo(0.5, 6);
    expect(out[1]).toBeCloseTo(0.35, 6);
  });

  it('weights partly covered pixels by their overlap: 3 → 2 covers 1.5 pixels each', () => {
    const out = resizeGray(image(3, 1, [0.3, 0.6, 0.9]), 2, 1);
    expect(out[0]).toBeCloseTo((0.3 + 0.5 * 0.6) / 1.5, 6);
    expect(out[1]).toBeCloseTo((0.5 * 0.6 + 0.9) / 1.5, 6);
  });

  it('enlarges bilinearly with aligned pixel centres and clamped edges: 2 → 4', () => {
    const out = resizeGray(image(2, 1, [0.2, 0.6]), 4, 1);
    expect(Array.from(out)).toEqual([0.2, 0.3, 0.5, 0.6].map(Math.fround));
  });

  it('treats each axis on its own: 2 × 4 → 4 × 2 enlarges x and shrinks y', () => {
    const out = resizeGray(image(2, 4, [0, 1, 0, 1, 1, 1, 1, 1]), 4, 2);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1, 1, 1, 1, 1]);
  });

  it('returns an equal copy at the same size', () => {
    const source = image(3, 2, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const out = resizeGray(source, 3, 2);
    expect(out).toEqual(source.data);
    expect(out).not.toBe(source.data);
  });
});

describe('preprocess', () => {
  it('records its rule and training-split statistics', () => {
    expect(PREPROCESSING).toEqual({ resize: 'area-shrink-bilinear-enlarge', size: 224, mean: 0.5967, std: 0.3198 });
  });

  it('normalises a constant image to (v − mean) / std at the requested size', () => {
    const out = preprocess(image(5, 3, new Array(15).fill(0.75)), { size: 8 });
    expect(out.length).toBe(64);
    for (const v of out) expect(v).toBeCloseTo((0.75 - 0.5967) / 0.3198, 5);
  });

  it('rejects a bad size or an image whose data does not match its shape', () => {
    expect(() => preprocess(image(2, 2, [0, 0, 0, 0]), { size: 0 })).toThrowError('preprocess: size must be a positive integer, got 0');
    expect(() => preprocess(image(2, 2, [0, 0, 0]))).toThrowError('preprocess: image of 2 × 2 pixels with 3 values');
  });

  // Reference numbers: the same rule written as NumPy weight matrices (rows · image · columnsᵀ) over Pillow's decode.
  it.each([
    { name: 'COVID/2020.01.24.919183-p27-132.png', note: '725 × 551, both axes shrink', mean: 0.680929, std: 0.33824, at: [0.168677, 0.946191, 0.360317, 0.200828] },
    { name: 'COVID/2020.02.10.20021584-p6-52_0.png', note: '287 × 202, x shrinks, y grows', mean: 0.695385, std: 0.263634, at: [0.995696, 0.999657, 1, 0.781048] },
  ])('$note: $name matches an independent computation', (c) => {
    const decoded = decodeImage(new Uint8Array(readFileSync(`${COVID_CT_IMAGES}/${c.name}`)), c.name);
    const input = preprocess(decoded);
    expect(input.length).toBe(224 * 224);
    const unnormalised = input.map((v) => v * PREPROCESSING.std + PREPROCESSING.mean);
    expect(mean(unnormalised)).toBeCloseTo(c.mean, 5);
    expect(std(unnormalised)).toBeCloseTo(c.std, 5);
    // (row, column) = (0, 0), (112, 112), (223, 223), (50, 200)
    const at = [0, 112 * 224 + 112, 223 * 224 + 223, 50 * 224 + 200].map((i) => unnormalised[i]);
    at.forEach((value, i) => expect(value).toBeCloseTo(c.at[i], 5));
  });
});
