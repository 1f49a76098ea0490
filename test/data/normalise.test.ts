import { describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights } from '../../src/nets/init.ts';
import { decodeModel, encodeModel } from '../../src/nets/model-format.ts';
import { checkPreprocessing } from '../../src/train/data/check-preprocessing.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { normaliseEach, rankEqualise, standardise } from '../../src/train/data/normalise.ts';
import { PREPROCESSING, preprocess } from '../../src/train/data/preprocess.ts';
import { resizeGray } from '../../src/train/data/resize.ts';
import { COVID_CT_IMAGES } from './data-paths.ts';
import { mean, std } from './image-stats.ts';

const image = (width: number, height: number, values: number[]) => ({ width, height, data: Float32Array.from(values) });

describe('standardise', () => {
  it('subtracts the mean and divides by the population std: [1, 2, 3, 4] has mean 2.5, std √1.25', () => {
    const out = standardise(Float32Array.from([1, 2, 3, 4]));
    const s = Math.sqrt(1.25);
    expect(Array.from(out)).toEqual([-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s].map(Math.fround));
  });

  it('gives zeros, not NaN, for a flat image, and for one flat but for float rounding', () => {
    expect(Array.from(standardise(new Float32Array(5).fill(0.3)))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(standardise(Float32Array.from([0.5, 0.5 + 1e-7, 0.5])))).toEqual([0, 0, 0]);
    // a constant 5 × 3 image enlarged and shrunk to 8 × 8 by the resize, then standardised
    expect(Array.from(preprocess(image(5, 3, new Array(15).fill(0.75)), { size: 8, normalise: 'image' }))).toEqual(new Array(64).fill(0));
  });

  it('keeps a NaN a NaN (a broken decoder must not pass as a flat image)', () => {
    expect(Number.isNaN(standardise(Float32Array.from([0, NaN, 1]))[0])).toBe(true);
  });

  it('normalises each image of a batch on its own: standardised, rank-equalised or left as it is', () => {
    const batch = () => Float32Array.from([0, 2, 10, 30]);
    expect(Array.from(normaliseEach(batch(), 2, 'image'))).toEqual([-1, 1, -1, 1]);
    const half = Math.fround(Math.sqrt(3) / 2);
    expect(Array.from(normaliseEach(batch(), 2, 'rank'))).toEqual([-half, half, -half, half]);
    expect(Array.from(normaliseEach(batch(), 2, 'dataset'))).toEqual([0, 2, 10, 30]);
  });
});

describe('rankEqualise', () => {
  const spread = (rank: number, n: number) => ((rank + 0.5) / n - 0.5) * Math.sqrt(12);

  it('replaces each value by its rank, tied values by their mean rank, spread over mean 0 and std 1', () => {
    // sorted: 1, 1, 2, 3; the two 1s hold ranks 0 and 1
    const out = rankEqualise(Float32Array.from([3, 1, 2, 1]));
    expect(Array.from(out)).toEqual([spread(3, 4), spread(0.5, 4), spread(2, 4), spread(0.5, 4)].map(Math.fround));
    const distinct = rankEqualise(Float32Array.from({ length: 100 }, (_, i) => (i * 37) % 100));
    expect(Math.abs(mean(distinct))).toBeLessThan(1e-6);
    expect(std(distinct)).toBeCloseTo(Math.sqrt(1 - 1 / 100 ** 2), 5);
  });

  it('is blind to any increasing map of the intensities (window, level, gamma): the same input, bit for bit', () => {
    const values = Array.from({ length: 64 }, (_, i) => ((i * 23) % 64) / 64);
    const plain = rankEqualise(Float32Array.from(values));
    expect(rankEqualise(Float32Array.from(values, (v) => 0.7 * v ** 0.5 + 0.1))).toEqual(plain);
    expect(rankEqualise(Float32Array.from(values, (v) => Math.min(v, 0.75)))).not.toEqual(plain); // saturation merges values: not undone
  });

  it('gives zeros for a flat image, and keeps a NaN a NaN', () => {
    expect(Array.from(rankEqualise(new Float32Array(5).fill(0.3)))).toEqual([0, 0, 0, 0, 0]);
    expect(Number.isNaN(rankEqualise(Float32Array.from([0, NaN, 1]))[1])).toBe(true);
  });

  it('agrees with counting, value by value, on random sizes with ties, negatives, ±0, infinities and NaN', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [1, 2, 3, 17, 255, 256, 257, 499]) {
      const values = Float32Array.from({ length: n }, () => Math.round(random() * 40 - 20) / 8);
      if (n > 3) values.set([-0, 0, -Infinity, Infinity, NaN].slice(0, Math.min(5, n - 1)), 1);
      const counted = Array.from(values, (v) => {
        if (Number.isNaN(v)) return NaN;
        const below = values.filter((w) => w < v).length;
        const tied = values.filter((w) => w === v).length;
        return Math.fround(spread(below + (tied - 1) / 2, n));
      });
      expect(Array.from(rankEqualise(Float32Array.from(values)))).toEqual(counted);
    }
  });
});

describe("preprocess with normalise 'image'", () => {
  const file = `${COVID_CT_IMAGES}/COVID/2020.01.24.919183-p27-132.png`;

  it('gives each slice mean 0 and std 1, the dataset-normalised input rescaled', async () => {
    const slice = await loadImageFile(file);
    const byDataset = preprocess(slice, { size: 64 });
    const byImage = preprocess(slice, { size: 64, normalise: 'image' });
    expect(Math.abs(mean(byImage))).toBeLessThan(1e-6);
    expect(std(byImage)).toBeCloseTo(1, 5);
    // an affine map of the dataset-normalised values, with a positive slope
    const slope = std(byDataset);
    for (let i = 0; i < byImage.length; i += 97) expect(byImage[i]).toBeCloseTo((byDataset[i] - mean(byDataset)) / slope, 4);
    // and the same as standardising the resized [0, 1] intensities directly
    const raw = standardise(resizeGray(slice, 64, 64));
    for (let i = 0; i < byImage.length; i++) expect(Math.abs(byImage[i] - raw[i])).toBeLessThan(2e-5);
    expect(preprocess(slice, { size: 64, normalise: 'dataset' })).toEqual(byDataset);
  });

  it('is blind to brightness and contrast: a·v + b gives the same input', () => {
    const values = Array.from({ length: 36 }, (_, i) => ((i * 7) % 11) / 10);
    const a = preprocess(image(6, 6, values), { size: 6, normalise: 'image' });
    const b = preprocess(image(6, 6, values.map((v) => 0.5 * v + 0.2)), { size: 6, normalise: 'image' });
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
  });
});

describe("preprocess with normalise 'rank'", () => {
  it('rank-equalises the dataset-normalised input of a real slice', async () => {
    const slice = await loadImageFile(`${COVID_CT_IMAGES}/COVID/2020.01.24.919183-p27-132.png`);
    expect(preprocess(slice, { size: 64, normalise: 'rank' })).toEqual(rankEqualise(preprocess(slice, { size: 64 })));
  });

  it('is blind to gamma, which standardising is not', () => {
    const values = Array.from({ length: 36 }, (_, i) => ((i * 7) % 11) / 10);
    const gamma = (normalise: 'image' | 'rank') =>
      [values, values.map((v) => v ** 0.6)].map((v) => preprocess(image(6, 6, v), { size: 6, normalise }));
    const [rank, rankGamma] = gamma('rank');
    for (let i = 0; i < rank.length; i++) expect(rankGamma[i]).toBeCloseTo(rank[i], 5);
    const [byImage, byImageGamma] = gamma('image');
    expect(Math.max(...byImage.map((v, i) => Math.abs(v - byImageGamma[i])))).toBeGreaterThan(0.05);
  });
});

describe('the normalisation a model records', () => {
  const spec = buildNet('light-cnn', { size: 32 });
  const meta = (preprocessing: Record<string, unknown>) => ({ net: 'light-cnn', inChannels: 1, inputSize: 32, preprocessing, classNames: ['NonCOVID', 'COVID'], training: 'untrained' });
  const roundTrip = (preprocessing: Record<string, unknown>) => decodeModel(encodeModel(spec, initialWeights(spec, 1), meta(preprocessing)), 'm.safetensors').meta.preprocessing;

  it("round-trips through the model file: 'image' stays 'image'", () => {
    const recorded = roundTrip({ ...PREPROCESSING, size: 32, crop: 'none', normalise: 'image' });
    expect(recorded.normalise).toBe('image');
    expect(checkPreprocessing(recorded, 'm.safetensors')).toEqual({ crop: 'none', normalise: 'image' });
  });

  it("means 'dataset' for a model written before the field existed", () => {
    const recorded = roundTrip({ ...PREPROCESSING, size: 32 });
    expect(recorded).not.toHaveProperty('normalise');
    expect(checkPreprocessing(recorded, 'old.safetensors')).toEqual({ crop: 'none', normalise: 'dataset' });
  });

  it('refuses an unknown normalisation, naming the model file', () => {
    expect(() => checkPreprocessing({ ...PREPROCESSING, normalise: 'histogram' }, 'models/x.safetensors')).toThrow(
      'models/x.safetensors: trained with preprocessing normalise = "histogram", this build knows dataset, image, rank',
    );
  });
});
