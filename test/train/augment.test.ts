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
