import { describe, expect, it } from 'vitest';
import { Random } from '../../src/runtime/random.ts';
import { expectedImprovement, incumbent } from '../../src/train/bayes-opt.ts';
import { cholesky, solveLower, solveUpper } from '../../src/train/cholesky.ts';
import { GaussianProcess } from '../../src/train/gp.ts';

const randomPoints = (n: number, dims: number, seed: number) => {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => Array.from({ length: dims }, () => rng.next()));
};
const sd = (v: number[]) => {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
};

describe('cholesky', () => {
  it('factorises a known SPD matrix and solves with it', () => {
    const a = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
    const l = cholesky(a, 3)!;
    expect([...l]).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    // A x = b with x = [1, -2, 3]: b = A x.
    const b = [4 - 24 - 48, 12 - 74 - 129, -16 + 86 + 294];
    const x = solveUpper(l, 3, solveLower(l, 3, b));
    [1, -2, 3].forEach((want, i) => expect(x[i]).toBeCloseTo(want, 12));
  });

  it('returns null for a matrix that is not positive definite', () => {
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
    expect(() => cholesky(new Float64Array(5), 2)).toThrow('cholesky: 5 values for a 2 × 2 matrix');
  });
});

describe('GaussianProcess', () => {
  const f = (x: number[]) => Math.sin(6 * x[0]) + 2 * x[1] ** 2;
  const x = randomPoints(12, 2, 7);
  const y = x.map(f);

  it('interpolates its training points with zero noise, and its variance shrinks there', () => {
    const gp = GaussianProcess.fit(x, y, { noise: 0 });
    const scale = sd(y) ** 2;
    for (let i = 0; i < x.length; i++) {
      const { mean, variance } = gp.predict(x[i]);
      expect(Math.abs(mean - y[i])).toBeLessThan(1e-4);
      expect(variance).toBeLessThan(1e-6 * scale);
    }
    // Far from every training point the posterior is nearly the prior again.
    const gapVariances = randomPoints(200, 2, 99).map((p) => gp.predict(p).variance);
    expect(Math.max(...gapVariances)).toBeGreaterThan(1e-2 * scale);
    expect(Math.max(...gapVariances)).toBeLessThanOrEqual(scale * (1 + 1e-9));
  });

  it('predicts a smooth function between its points', () => {
    const gp = GaussianProcess.fit(randomPoints(40, 2, 3), randomPoints(40, 2, 3).map(f));
    const errors = randomPoints(100, 2, 11).map((p) => gp.predict(p).mean - f(p));
    // f spans about 3; the worst errors are extrapolations into the corners.
    expect(Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length)).toBeLessThan(0.05);
  });

  it('gives an input that does not matter a long length scale, and one that does a short one', () => {
    const points = randomPoints(25, 2, 5);
    const gp = GaussianProcess.fit(points, points.map((p) => Math.sin(8 * p[0])));
    const [relevant, irrelevant] = gp.hyperparameters.lengthScales;
    expect(relevant).toBeLessThanOrEqual(0.5);
    expect(irrelevant).toBeGreaterThanOrEqual(2);
  });

  it('chooses a larger noise for noisy observations than for exact ones', () => {
    const points = randomPoints(30, 1, 8);
    const rng = new Random(4);
    const exact = GaussianProcess.fit(points, points.map((p) => p[0] ** 2));
    const noisy = GaussianProcess.fit(points, points.map((p) => p[0] ** 2 + 0.1 * rng.normal()));
    expect(exact.hyperparameters.noise).toBeLessThanOrEqual(1e-4);
    expect(noisy.hyperparameters.noise).toBeGreaterThanOrEqual(1e-2);
    expect(Number.isFinite(noisy.logMarginalLikelihood)).toBe(true);
  });

  it('survives repeated points and names bad input', () => {
    const gp = GaussianProcess.fit([[0.5], [0.5], [0.2]], [1, 1.1, 0]);
    expect(gp.predict([0.5]).mean).toBeCloseTo(1.05, 1);
    expect(() => GaussianProcess.fit([[1.5]], [0])).toThrow('point [1.5] is not in the 1-dimensional unit cube');
    expect(() => GaussianProcess.fit([[0.5]], [NaN])).toThrow('every observed value must be finite');
    expect(() => GaussianProcess.fit([], [])).toThrow('0 points and 0 values');
  });
});

describe('expected improvement', () => {
  const x = randomPoints(10, 2, 21);
  const y = x.map((p) => (p[0] - 0.3) ** 2 + (p[1] - 0.6) ** 2);
  const gp = GaussianProcess.fit(x, y, { noise: 0 });
  const best = Math.min(...y);
  const bestAt = x[y.indexOf(best)];

  it('is zero (to within the jitter) at the observed best and at every other observed point', () => {
    for (const p of x) expect(expectedImprovement(gp, p, best)).toBeLessThan(1e-5 * sd(y));
    expect(expectedImprovement(gp, bestAt, best)).toBeGreaterThanOrEqual(0);
  });

  it('is positive away from the observations, largest where the mean is low and the variance high', () => {
    const elsewhere = randomPoints(300, 2, 5).map((p) => expectedImprovement(gp, p, best));
    expect(Math.min(...elsewhere)).toBeGreaterThanOrEqual(0);
    expect(elsewhere.filter((ei) => ei > 1e-3 * sd(y)).length).toBeGreaterThan(30);
    // Near the true minimum (0.3, 0.6), not yet observed, beats a corner far from it.
    expect(expectedImprovement(gp, [0.3, 0.6], best)).toBeGreaterThan(10 * expectedImprovement(gp, [1, 0], best));
  });

  it('improves on the GP\'s lowest mean at the measured points, not on a lucky measurement', () => {
    expect(incumbent(gp, x.map((p, i) => ({ x: p, y: y[i] })))).toBeCloseTo(best, 6);
    // Three measurements at 0.2 and three at 0.8: the 0.2 among the first three is luck.
    const noisy = [[0.2, 1.0], [0.2, 0.2], [0.2, 1.1], [0.8, 0.7], [0.8, 0.75], [0.8, 0.72]].map(([at, value]) => ({ x: [at], y: value }));
    const noisyGp = GaussianProcess.fit(noisy.map((o) => o.x), noisy.map((o) => o.y));
    const means = noisy.map((o) => noisyGp.predict(o.x).mean);
    expect(incumbent(noisyGp, noisy)).toBe(Math.min(...means));
    expect(incumbent(noisyGp, noisy)).toBeGreaterThan(0.6);
    expect(incumbent(noisyGp, noisy)).toBeCloseTo(noisyGp.predict([0.8]).mean, 12);
  });
});
