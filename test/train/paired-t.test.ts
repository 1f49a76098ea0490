import { describe, expect, it } from 'vitest';
import { incompleteBeta, pairedT, tQuantile, twoSidedP } from '../../src/train/paired-t.ts';

// Reference values from scipy 1.17 (stats.t.sf, stats.t.ppf, stats.ttest_1samp, stats.t.interval).

describe("Student's t and the paired t-test", () => {
  it('gives the two-sided p-values and quantiles of scipy', () => {
    expect(twoSidedP(2.262157162798205, 9)).toBeCloseTo(0.05, 9);
    expect(twoSidedP(0.3, 30)).toBeCloseTo(0.7662461052843528, 9);
    expect(twoSidedP(12, 4)).toBeCloseTo(0.000276428548502973, 11);
    expect(twoSidedP(1, 1)).toBeCloseTo(0.5, 12); // Cauchy
    expect(twoSidedP(Infinity, 5)).toBe(0);
    expect(tQuantile(0.05, 9)).toBeCloseTo(2.262157162798205, 8);
    expect(tQuantile(0.05, 2)).toBeCloseTo(4.302652729749462, 8);
  });

  it('has I_x(a, b) = x for a = b = 1 and the symmetry I_x(a, b) = 1 − I_(1−x)(b, a)', () => {
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.2, 2.5, 0.5) + incompleteBeta(0.8, 0.5, 2.5)).toBeCloseTo(1, 12);
  });

  it("tests the folds' differences as scipy's ttest_1samp and t.interval do", () => {
    const r = pairedT([0.05, -0.02, 0.11, 0.03, 0.07, -0.01, 0.09, 0.04]);
    expect(r.n).toBe(8);
    expect(r.meanDifference).toBeCloseTo(0.045, 12);
    expect(r.sdDifference).toBeCloseTo(0.04535573676110727, 12);
    expect(r.t).toBeCloseTo(2.8062430400804557, 9);
    expect(r.p).toBeCloseTo(0.026287392369918748, 9);
    expect(r.ci95[0]).toBeCloseTo(0.0070816551517845355, 8);
    expect(r.ci95[1]).toBeCloseTo(0.08291834484821546, 8);
  });

  it("widens the standard error by Nadeau and Bengio's correction, sd · √(1/n + test/train)", () => {
    const differences = [0.05, -0.02, 0.11, 0.03, 0.07, -0.01, 0.09, 0.04];
    const [plain, corrected] = [pairedT(differences), pairedT(differences, 54 / 490)];
    const widening = Math.sqrt((1 / 8 + 54 / 490) / (1 / 8));
    expect(corrected.meanDifference).toBe(plain.meanDifference);
    expect(corrected.sdDifference).toBe(plain.sdDifference);
    expect(corrected.t).toBeCloseTo(2.8062430400804557 / widening, 9);
    expect(corrected.p).toBeCloseTo(twoSidedP(2.8062430400804557 / widening, 7), 12);
    expect(corrected.p).toBeGreaterThan(0.05); // plain: 0.026
    expect(corrected.ci95[1] - corrected.ci95[0]).toBeCloseTo((plain.ci95[1] - plain.ci95[0]) * widening, 9);
  });

  it('calls identical folds no difference, gives a constant nonzero difference the sign-flip p 2/2^n, and one fold an error', () => {
    expect(pairedT([0, 0, 0]).p).toBe(1);
    expect(pairedT([0.1, 0.1, 0.1]).p).toBe(0.25);
    expect(pairedT([0.1, 0.1, 0.1]).t).toBe(Infinity);
    expect(pairedT([-0.25, -0.25], 0.11).p).toBe(0.5);
    expect(pairedT(new Array(10).fill(1 / 54)).p).toBe(1 / 512);
    // A spread, however small, is the t-test's again.
    expect(pairedT([0.1, 0.1, 0.1 + 1e-6]).p).toBeLessThan(1e-5);
    expect(() => pairedT([0.1])).toThrow(/at least 2 paired folds, got 1/);
  });
});
