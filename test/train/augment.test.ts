import { describe, expect, it } from 'vitest';
import { Random } from '../../src/runtime/random.ts';
import { augment, BACKGROUND } from '../../src/train/augment.ts';
import { PAPER_RECIPE, type AugmentSettings } from '../../src/train/recipe.ts';

const fixed = (degrees: number, scale: number, noiseStd = 0): AugmentSettings => ({ rotationDegrees: [degrees, degrees], scale: [scale, scale], noiseStd });

describe('augment', () => {
  it('gives back the input exactly with identity settings, for each channel', () => {
    const input = new Random(4).normals(2 * 7 * 7);
    expect(augment(input, 2, 7, fixed(0, 1), new Random(1))).toEqual(input);
  });

  it('rotates a known 3 × 3 pattern by 90° counter-clockwise as displayed', () => {
    const input = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    const out = augment(input, 1, 3, fixed(90, 1), new Random(1));
    [3, 6, 9, 2, 5, 8, 1, 4, 7].forEach((want, i) => expect(out[i]).toBeCloseTo(want, 6));
  });

  it('zooms in about the centre with bilinear sampling', () => {
    const ramp = Float32Array.from({ length: 25 }, (_, i) => i % 5); // value = x
    const out = augment(ramp, 1, 5, fixed(0, 2), new Random(1));
    // x reads the source at 2 + (x − 2)/2
    expect(Array.from(out.subarray(10, 15))).toEqual([1, 1.5, 2, 2.5, 3]);
  });

  it('brings in black from outside the image', () => {
    const ones = new Float32Array(25).fill(1);
    const out = augment(ones, 1, 5, fixed(45, 1), new Random(1));
    expect(out[12]).toBeCloseTo(1, 6); // the centre stays
    // the top-left corner reads (2, 2 − 2√2): row −1 (outside) and row 0 mixed 0.828 : 0.172
    const fy = 2 - 2 * Math.SQRT2 + 1;
    expect(out[0]).toBeCloseTo((1 - fy) * BACKGROUND + fy, 5);
    expect(BACKGROUND).toBeCloseTo(-0.5967 / 0.3198, 6);
  });

  it('adds Gaussian noise of the recipe\'s σ', () => {
    const out = augment(new Float32Array(64 * 64), 1, 64, fixed(0, 1, 0.05), new Random(9));
    const mean = out.reduce((s, v) => s + v, 0) / out.length;
    const std = Math.sqrt(out.reduce((s, v) => s + (v - mean) ** 2, 0) / out.length);
    expect(Math.abs(mean)).toBeLessThan(0.003);
    expect(std).toBeGreaterThan(0.048);
    expect(std).toBeLessThan(0.052);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const input = new Random(5).normals(32 * 32);
    const a = augment(input, 1, 32, PAPER_RECIPE.augment, new Random(11));
    const b = augment(input, 1, 32, PAPER_RECIPE.augment, new Random(11));
    const c = augment(input, 1, 32, PAPER_RECIPE.augment, new Random(12));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('refuses an input of the wrong size', () => {
    expect(() => augment(new Float32Array(10), 1, 3, fixed(0, 1), new Random(1))).toThrow(/10 values, expected 1 × 3 × 3/);
  });
});

describe('augment, the extras of the robust recipe', () => {
  const still: AugmentSettings = { rotationDegrees: [0, 0], scale: [1, 1], noiseStd: 0 };
  const pattern = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
  /** The outputs of many draws, as strings, to see which transforms came up. */
  const outcomes = (settings: AugmentSettings, input: Float32Array, size: number) => {
    const rng = new Random(3);
    return new Set(Array.from({ length: 64 }, () => Array.from(augment(input, 1, size, settings, rng), (v) => v.toFixed(4)).join(',')));
  };

  it('turns by each quarter turn and nothing else', () => {
    const seen = outcomes({ ...still, quarterTurns: true }, pattern, 3);
    expect([...seen].sort()).toEqual(['1.0000,2.0000,3.0000,4.0000,5.0000,6.0000,7.0000,8.0000,9.0000',
      '3.0000,6.0000,9.0000,2.0000,5.0000,8.0000,1.0000,4.0000,7.0000',
      '7.0000,4.0000,1.0000,8.0000,5.0000,2.0000,9.0000,6.0000,3.0000',
      '9.0000,8.0000,7.0000,6.0000,5.0000,4.0000,3.0000,2.0000,1.0000'].sort());
  });

  it('mirrors left and right, about half of the time', () => {
    const rng = new Random(3);
    let mirrored = 0;
    for (let i = 0; i < 400; i++) {
      const out = augment(pattern, 1, 3, { ...still, mirror: true }, rng);
      const flipped = Array.from(out).every((v, j) => Math.abs(v - [3, 2, 1, 6, 5, 4, 9, 8, 7][j]) < 1e-5);
      if (!flipped) expect(Array.from(out).every((v, j) => Math.abs(v - pattern[j]) < 1e-5)).toBe(true);
      mirrored += flipped ? 1 : 0;
    }
    expect(mirrored).toBeGreaterThan(160);
    expect(mirrored).toBeLessThan(240);
  });

  it('shifts by at most the fraction asked, both ways along both axes', () => {
    for (const [axis, ramp] of [
      ['x', Float32Array.from({ length: 100 * 100 }, (_, i) => (i % 100) / 100)], // value = x / 100
      ['y', Float32Array.from({ length: 100 * 100 }, (_, i) => Math.floor(i / 100) / 100)], // value = y / 100
    ] as const) {
      const rng = new Random(8);
      const moves = Array.from({ length: 20 }, () => augment(ramp, 1, 100, { ...still, shift: 0.1 }, rng)[50 * 100 + 50] - 0.5); // the centre reads 50 − shift
      expect(Math.max(...moves.map(Math.abs)), axis).toBeLessThanOrEqual(0.1 + 1e-6);
      expect(Math.min(...moves), axis).toBeLessThan(-0.05);
      expect(Math.max(...moves), axis).toBeGreaterThan(0.05);
    }
  });

  it('changes contrast about the mean and applies gamma on [0, 1] intensities', () => {
    const normalised = (u: number) => (u - 0.5967) / 0.3198;
    const two = Float32Array.of(normalised(0.2), normalised(0.6), normalised(0.2), normalised(0.6));
    const stretched = augment(two, 1, 2, { ...still, contrast: [2, 2] }, new Random(1));
    expect(stretched[0] * 0.3198 + 0.5967).toBeCloseTo(0, 5);
    expect(stretched[1] * 0.3198 + 0.5967).toBeCloseTo(0.8, 5);
    const gamma = augment(two, 1, 2, { ...still, gamma: [2, 2] }, new Random(1));
    expect(gamma[1] * 0.3198 + 0.5967).toBeCloseTo(0.36, 5);
  });

  it('turns what is brighter than the white level white, about half of the time', () => {
    const normalised = (u: number) => (u - 0.5967) / 0.3198;
    const two = Float32Array.of(normalised(0.2), normalised(0.6), normalised(0.3), normalised(0.45));
    const rng = new Random(4);
    let whitened = 0;
    for (let i = 0; i < 400; i++) {
      const u = Array.from(augment(two, 1, 2, { ...still, whiteLevel: [0.5, 0.5] }, rng), (v) => v * 0.3198 + 0.5967);
      const changed = Math.abs(u[1] - 0.6) > 1e-5;
      const expected = changed ? [0.4, 1, 0.6, 0.9] : [0.2, 0.6, 0.3, 0.45];
      u.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
      whitened += changed ? 1 : 0;
    }
    expect(whitened).toBeGreaterThan(160);
    expect(whitened).toBeLessThan(240);
  });

  it('draws what the paper recipe draws when no extra is on', () => {
    const input = new Random(5).normals(16 * 16);
    const asBefore = augment(input, 1, 16, PAPER_RECIPE.augment, new Random(2));
    const withOffExtras = augment(input, 1, 16, { ...PAPER_RECIPE.augment, quarterTurns: false, mirror: false, shift: 0 }, new Random(2));
    expect(withOffExtras).toEqual(asBefore);
  });
});
