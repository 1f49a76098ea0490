import { describe, expect, it } from 'vitest';
import { Random } from '../../src/runtime/random.ts';
import { augment } from '../../src/train/augment.ts';
import { augmentBatch } from '../../src/train/augment-batch.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { rankEqualise, standardise } from '../../src/train/data/normalise.ts';
import { preprocess } from '../../src/train/data/preprocess.ts';
import { loadImageSet, netInput, type ImageSet } from '../../src/train/image-set.ts';
import { ROBUST_NORM_RECIPE, ROBUST_RECIPE, type AugmentSettings } from '../../src/train/recipe.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { mean, std } from '../data/image-stats.ts';

const SIZE = 32;
const PLANE = SIZE * SIZE;
const FILES = [`${COVID_CT_IMAGES}/COVID/2020.01.24.919183-p27-132.png`, `${COVID_CT_IMAGES}/NonCOVID/102.png`];
const IDENTITY: AugmentSettings = { rotationDegrees: [0, 0], scale: [1, 1], noiseStd: 0 };
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function images(normalise: 'dataset' | 'image' | 'rank'): Promise<ImageSet> {
  const entries = FILES.map((path, i) => ({ path, label: i === 0 ? ('COVID' as const) : ('NonCOVID' as const) }));
  return (await loadImageSet(entries, { size: SIZE, normalise, strict: true })).set;
}

describe('augmentBatch', () => {
  it("of a 'dataset' set is each image's augment, as the trainer always did", async () => {
    const set = await images('dataset');
    const x = augmentBatch(set, [1, 0], 1, ROBUST_RECIPE.augment, new Random(5));
    const rng = new Random(5);
    const want = [1, 0].map((i) => augment(set.x.subarray(i * PLANE, (i + 1) * PLANE), 1, SIZE, ROBUST_RECIPE.augment, rng));
    expect(bits(x).equals(Buffer.concat(want.map(bits)))).toBe(true);
  });

  it("of an 'image' set without changes is, bit for bit, what predict feeds the net and what validation scores", async () => {
    const set = await images('image');
    expect(set.x).toEqual((await images('dataset')).x); // the set keeps dataset-normalised intensities
    const x = augmentBatch(set, [0, 1], 1, IDENTITY, new Random(1));
    const predicted = await Promise.all(FILES.map(async (f) => preprocess(await loadImageFile(f), { size: SIZE, normalise: 'image' })));
    expect(bits(x).equals(Buffer.concat(predicted.map(bits)))).toBe(true);
    expect(bits(netInput(set, PLANE, 0, 2)).equals(bits(x))).toBe(true);
  });

  it("of an 'image' set augments the intensities, then standardises each image (noise and black corners included)", async () => {
    const set = await images('image');
    const x = augmentBatch(set, [0, 1], 1, ROBUST_NORM_RECIPE.augment, new Random(9));
    const rng = new Random(9);
    for (let i = 0; i < 2; i++) {
      const out = x.subarray(i * PLANE, (i + 1) * PLANE);
      expect(Math.abs(mean(out))).toBeLessThan(1e-5);
      expect(std(out)).toBeCloseTo(1, 4);
      const want = standardise(augment(set.x.subarray(i * PLANE, (i + 1) * PLANE), 1, SIZE, ROBUST_NORM_RECIPE.augment, rng));
      expect(bits(out).equals(bits(want))).toBe(true);
    }
  });

  it("of a 'rank' set augments the intensities, then rank-equalises each image; netInput does the same unaugmented", async () => {
    const set = await images('rank');
    const x = augmentBatch(set, [1, 0], 1, ROBUST_RECIPE.augment, new Random(4));
    const rng = new Random(4);
    const want = [1, 0].map((i) => rankEqualise(augment(set.x.subarray(i * PLANE, (i + 1) * PLANE), 1, SIZE, ROBUST_RECIPE.augment, rng)));
    expect(bits(x).equals(Buffer.concat(want.map(bits)))).toBe(true);
    expect(netInput(set, PLANE, 0, 1)).toEqual(rankEqualise(set.x.slice(0, PLANE)));
  });

  it('would differ if augment were given the per-image standardised slice: its black, clamp and gamma assume the data set constants', async () => {
    const set = await images('image');
    const turnAndGamma: AugmentSettings = { ...IDENTITY, rotationDegrees: [45, 45], gamma: [0.5, 0.5] };
    const right = augmentBatch(set, [0], 1, turnAndGamma, new Random(2));
    const wrong = standardise(augment(netInput(set, PLANE, 0, 1), 1, SIZE, turnAndGamma, new Random(2)));
    expect(Math.max(...right.map((v, i) => Math.abs(v - wrong[i])))).toBeGreaterThan(0.1);
  });
});
