import { describe, expect, it } from 'vitest';
import { proposePoint, type Observation } from '../../src/train/bayes-opt.ts';
import { proposalRandom } from '../../src/train/random-streams.ts';
import { fromUnit, SEARCH_SPACE } from '../../src/train/tune-space.ts';
import { tuneStandIn } from '../../bench/tune-stand-in.ts';

/** Branin–Hoo on the unit square (x1 = 15u − 5, x2 = 15v): three global minima of 0.397887. */
const branin = ([u, v]: number[]) => {
  const [x1, x2] = [15 * u - 5, 15 * v];
  return (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
};
const BRANIN_MIN = 0.397887;

/** Hartmann 3-D on the unit cube: one global minimum of −3.86278 at (0.1146, 0.5556, 0.8525), three local ones. */
const HARTMANN_A = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]];
const HARTMANN_P = [[0.3689, 0.117, 0.2673], [0.4699, 0.4387, 0.747], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828]];
const HARTMANN_C = [1, 1.2, 3, 3.2];
const hartmann3 = (x: number[]) =>
  -HARTMANN_C.reduce((sum, c, i) => sum + c * Math.exp(-HARTMANN_A[i].reduce((s, a, j) => s + a * (x[j] - HARTMANN_P[i][j]) ** 2, 0)), 0);
const HARTMANN_MIN = -3.86278;

const BUDGET = 30;
const SEEDS = [1, 2, 3, 4, 5];

function search(f: (x: number[]) => number, dims: number, seed: number): Observation[] {
  const history: Observation[] = [];
  while (history.length < BUDGET) {
    const { x } = proposePoint(history, { dims, seed, initialRandom: 5 });
    history.push({ x, y: f(x) });
  }
  return history;
}

/** Random search with the same budget, drawing from the streams of the search's random start. */
function randomSearch(f: (x: number[]) => number, dims: number, seed: number): number {
  return Math.min(...Array.from({ length: BUDGET }, (_, attempt) => {
    const rng = proposalRandom(seed, attempt);
    return f(Array.from({ length: dims }, () => rng.next()));
  }));
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

describe(`Bayesian optimisation (GP + expected improvement), ${BUDGET} evaluations, 5 random`, () => {
  it('finds the Hartmann-3 minimum to within 1e-3 for every seed; random search stays above 0.3 off', () => {
    for (const seed of SEEDS) {
      const found = Math.min(...search(hartmann3, 3, seed).map((o) => o.y));
      expect(found - HARTMANN_MIN, `seed ${seed}`).toBeLessThan(1e-3);
      expect(found - HARTMANN_MIN, `seed ${seed}`).toBeGreaterThan(-1e-4);
      expect(randomSearch(hartmann3, 3, seed) - HARTMANN_MIN, `seed ${seed}`).toBeGreaterThan(0.3);
    }
  });

  it('gets within 0.25 of the Branin minimum for every seed (median within 0.03), a tenth of random search\'s mean gap', () => {
    const gaps = SEEDS.map((seed) => Math.min(...search(branin, 2, seed).map((o) => o.y)) - BRANIN_MIN);
    const randomGaps = SEEDS.map((seed) => randomSearch(branin, 2, seed) - BRANIN_MIN);
    expect(Math.max(...gaps)).toBeLessThan(0.25);
    expect(median(gaps)).toBeLessThan(0.03);
    expect(mean(gaps)).toBeLessThan(mean(randomGaps) / 10);
  });

  it('proposes the same point for the same history and seed (so a resumed search goes on unchanged)', () => {
    const history = search(hartmann3, 3, 9).slice(0, 8);
    const again = proposePoint(history, { dims: 3, seed: 9, initialRandom: 5 });
    expect(again).toEqual(proposePoint(history.map((o) => ({ ...o })), { dims: 3, seed: 9, initialRandom: 5 }));
    expect(again.kind).toBe('expected improvement');
    expect(again.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(proposePoint(history.slice(0, 4), { dims: 3, seed: 9, initialRandom: 5 })).toEqual({ x: history[4].x, kind: 'random' });
  });

  it('searches the dropout as its 4th dimension: on a validation error with its optimum at dropout 0.3, it gets there', () => {
    expect(SEARCH_SPACE.map((d) => d.name)).toEqual(['lr', 'momentum', 'l2', 'dropout']);
    for (const seed of SEEDS) {
      const history = search(tuneStandIn, 4, seed);
      const dropouts = history.map((o) => fromUnit(o.x).dropout);
      expect(Math.min(...dropouts), `seed ${seed}`).toBeLessThan(0.15);
      expect(Math.max(...dropouts), `seed ${seed}`).toBeGreaterThan(0.55);
      const best = history.reduce((a, b) => (b.y < a.y ? b : a));
      expect(Math.abs(fromUnit(best.x).dropout - 0.3), `seed ${seed}`).toBeLessThan(0.06);
      expect(best.y - 0.1, `seed ${seed}`).toBeLessThan(randomSearch(tuneStandIn, 4, seed) - 0.1);
    }
  });
});
