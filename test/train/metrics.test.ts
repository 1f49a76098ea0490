import { describe, expect, it } from 'vitest';
import { Random } from '../../src/runtime/random.ts';
import { binaryMetrics, rocAuc } from '../../src/train/metrics.ts';

describe('binaryMetrics (COVID = 1 is positive, predicted when P > 0.5)', () => {
  it('refuses a NaN score, which would count as a NonCOVID prediction (a diverged net scored specificity 1)', () => {
    expect(() => binaryMetrics([1, 0, 1], [0.9, Number.NaN, 0.2])).toThrow('binaryMetrics: score 1 is NaN (a diverged net?); it would count as a NonCOVID prediction');
  });

  it('scores a hand-worked example', () => {
    const labels = [1, 1, 1, 0, 0, 0, 0, 1];
    const p = [0.9, 0.6, 0.4, 0.2, 0.7, 0.1, 0.55, 0.8];
    // predicted COVID: 0.9 0.6 0.7 0.55 0.8 → TP 3 (0.9 0.6 0.8), FP 2 (0.7 0.55), FN 1 (0.4), TN 2 (0.2 0.1)
    const m = binaryMetrics(labels, p);
    expect(m.confusion).toEqual([[2, 2], [1, 3]]);
    expect(m.n).toBe(8);
    expect(m.accuracy).toBeCloseTo(5 / 8, 12);
    expect(m.sensitivity).toBeCloseTo(3 / 4, 12);
    expect(m.specificity).toBeCloseTo(2 / 4, 12);
    expect(m.precision).toBeCloseTo(3 / 5, 12);
    expect(m.f1).toBeCloseTo(6 / 9, 12);
    // COVID-above-NonCOVID pairs: 0.9 → 4, 0.6 → 3, 0.4 → 2, 0.8 → 4; 13 of 16
    expect(m.auc).toBeCloseTo(13 / 16, 12);
  });

  it('predicts NonCOVID at exactly 0.5, as predict does', () => {
    expect(binaryMetrics([1, 0], [0.5, 0.5]).confusion).toEqual([[1, 0], [1, 0]]);
  });

  it('gives null, not NaN, for scores that need an absent class', () => {
    const covidOnly = binaryMetrics([1, 1, 1], [0.9, 0.2, 0.6]);
    expect(covidOnly).toEqual({
      n: 3, accuracy: 2 / 3, sensitivity: 2 / 3, specificity: null, precision: 1, f1: 0.8, auc: null, confusion: [[0, 0], [1, 2]],
    });
    const nonCovidOnly = binaryMetrics([0, 0], [0.7, 0.1]);
    expect(nonCovidOnly).toEqual({
      n: 2, accuracy: 0.5, sensitivity: null, specificity: 0.5, precision: 0, f1: null, auc: null, confusion: [[1, 1], [0, 0]],
    });
    expect(binaryMetrics([0, 0], [0.1, 0.2]).precision).toBeNull(); // nothing predicted COVID
    const empty = binaryMetrics([], []);
    expect([empty.accuracy, empty.sensitivity, empty.specificity, empty.precision, empty.f1, empty.auc]).toEqual([null, null, null, null, null, null]);
  });

  it('refuses labels and scores of different lengths', () => {
    expect(() => binaryMetrics([1, 0], [0.3])).toThrow(/2 labels but 1 scores/);
  });
});

describe('rocAuc', () => {
  it('averages the ranks of ties', () => {
    // the COVID 0.5 ties the NonCOVID 0.5 (half a pair) and beats 0.2; 0.8 beats both: 3.5 of 4
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.8])).toBe(0.875);
    expect(rocAuc([0, 1, 1, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])).toBe(0);
  });

  it('equals the fraction of correctly ordered pairs on random scores with many ties', () => {
    const rng = new Random(3);
    const labels = Array.from({ length: 300 }, () => (rng.next() < 0.4 ? 1 : 0));
    const scores = labels.map((l) => Math.round((rng.next() + 0.3 * l) * 8) / 8);
    let wins = 0;
    let pairs = 0;
    labels.forEach((li, i) => labels.forEach((lj, j) => {
      if (li !== 1 || lj !== 0) return;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }));
    expect(rocAuc(labels, scores)).toBeCloseTo(wins / pairs, 12);
  });

  it('is null without both classes or with a NaN score', () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNull();
    expect(rocAuc([1, 0], [NaN, 0.3])).toBeNull();
  });
});
