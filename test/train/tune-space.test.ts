import { describe, expect, it } from 'vitest';
import { bestAttempt, type Attempt } from '../../src/train/tune-log.ts';
import { observations } from '../../src/train/tune.ts';
import { fromUnit, NOTHING_PINNED, searchSpace, toUnit } from '../../src/train/tune-space.ts';

const pinned = (values: object) => ({ ...NOTHING_PINNED, ...values });

const attempt = (n: number, valAccuracy: number | null, lr = 0.01): Attempt =>
  ({ attempt: n, proposedBy: 'random', lr, momentum: 0.9, l2: 1e-4, dropout: 0.35, valAccuracy, val: null, trainLoss: null, diverged: valAccuracy === null ? 'training stopped' : null, seconds: 1 }) as Attempt;

describe('the search space', () => {
  it('maps the unit cube onto log10 lr [-4, -1], momentum [0.5, 0.99], log10 L2 [-6, -2], dropout [0, 0.7], to 3 significant digits', () => {
    expect(fromUnit([0, 0, 0, 0])).toEqual({ lr: 1e-4, momentum: 0.5, l2: 1e-6, dropout: 0 });
    expect(fromUnit([1, 1, 1, 1])).toEqual({ lr: 0.1, momentum: 0.99, l2: 0.01, dropout: 0.7 });
    expect(fromUnit([0.5, 0.5, 0.5, 0.5])).toEqual({ lr: 0.00316, momentum: 0.745, l2: 0.0001, dropout: 0.35 });
    expect(toUnit({ lr: 0.001, momentum: 0.745, l2: 1e-4, dropout: 0.175 })).toEqual([1 / 3, 0.5, 0.5, 0.25]);
  });

  it('searches three dimensions when the dropout is pinned, which every point then has', () => {
    const dropout = pinned({ dropout: 0.5 });
    expect(searchSpace(dropout).map((d) => d.name)).toEqual(['lr', 'momentum', 'l2']);
    expect(fromUnit([0.5, 0.5, 0.5], dropout)).toEqual({ lr: 0.00316, momentum: 0.745, l2: 0.0001, dropout: 0.5 });
    expect(toUnit({ lr: 0.001, momentum: 0.745, l2: 1e-4, dropout: 0.5 }, dropout)).toEqual([1 / 3, 0.5, 0.5]);
  });

  it('searches L2 and dropout alone when the learning rate and momentum are pinned', () => {
    const sgd = pinned({ lr: 0.01, momentum: 0.9 });
    expect(searchSpace(sgd).map((d) => d.name)).toEqual(['l2', 'dropout']);
    expect(fromUnit([0.25, 1], sgd)).toEqual({ lr: 0.01, momentum: 0.9, l2: 1e-5, dropout: 0.7 });
    expect(toUnit({ lr: 0.01, momentum: 0.9, l2: 1e-3, dropout: 0.35 }, sgd)).toEqual([0.75, 0.5]);
  });

  it('round-trips to within the rounding, and clamps a rounded value just past a bound', () => {
    for (const x of [[0.1, 0.2, 0.3, 0.4], [0.77, 0.01, 0.99, 0.003]]) toUnit(fromUnit(x)).forEach((u, d) => expect(Math.abs(u - x[d])).toBeLessThan(2e-3));
    expect(toUnit({ lr: 0.1, momentum: 0.995, l2: 1e-6, dropout: 0.7 })).toEqual([1, 1, 0, 1]);
  });
});

describe('scoring attempts', () => {
  it('fits the GP to validation errors, a diverged attempt counting as the worst error so far', () => {
    const fitted = observations([attempt(1, 0.75), attempt(2, null, 0.1), attempt(3, 0.625)], NOTHING_PINNED);
    expect(fitted.map((o) => o.y)).toEqual([0.25, 0.375, 0.375]);
    expect(fitted[1].x[0]).toBe(1);
    expect(fitted[1].x[3]).toBe(0.5);
    expect(observations([attempt(1, 0.75)], pinned({ dropout: 0.35 }))[0].x.length).toBe(3);
    expect(observations([attempt(1, null)], NOTHING_PINNED).map((o) => o.y)).toEqual([0.5]);
  });

  it('picks the highest validation accuracy, the earliest on ties, none when all diverged', () => {
    expect(bestAttempt([attempt(1, 0.5), attempt(2, 0.75), attempt(3, null), attempt(4, 0.75)])?.attempt).toBe(2);
    expect(bestAttempt([attempt(1, null)])).toBeUndefined();
  });
});
