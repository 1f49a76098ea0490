import { GaussianProcess } from './gp.ts';
import { proposalRandom } from './random-streams.ts';

/** One measured point: x in the unit cube, y the value being minimised. */
export interface Observation {
  x: number[];
  y: number;
}

export type ProposalKind = 'random' | 'expected improvement';

export interface ProposeOptions {
  /** Dimensions of the unit cube searched. */
  dims: number;
  seed: number;
  /** Attempts 1..initialRandom are uniform random points; the later ones maximise expected improvement. */
  initialRandom: number;
}

const CANDIDATES_PER_DIM = 1000;
/** The best candidates that local search refines. */
const REFINED = 5;
const FIRST_STEP = 0.05;
const LAST_STEP = 1e-4;
/** A bound on the moves of one compass search; each move raises the expected improvement. */
const MAX_MOVES = 500;

/**
 * The point to measure next, given everything measured so far. Attempt number
 * history.length draws its randomness from its own stream of `seed`, so the same history
 * always gives the same proposal (a resumed search goes on as the uninterrupted one would).
 * After the random start, a Gaussian process is fitted to the history and expected
 * improvement over its incumbent is maximised: uniform random candidates, then a compass search
 * (±step along each axis, halving the step when nothing improves) from the best few.
 */
export function proposePoint(history: readonly Observation[], { dims, seed, initialRandom }: ProposeOptions): { x: number[]; kind: ProposalKind } {
  const rng = proposalRandom(seed, history.length);
  const randomPoint = () => Array.from({ length: dims }, () => rng.next());
  if (history.length < Math.max(initialRandom, 1)) return { x: randomPoint(), kind: 'random' };
  const gp = GaussianProcess.fit(history.map((o) => o.x), history.map((o) => o.y));
  const best = incumbent(gp, history);
  const score = (x: number[]) => expectedImprovement(gp, x, best);
  const candidates = Array.from({ length: CANDIDATES_PER_DIM * dims }, () => {
    const x = randomPoint();
    return { x, ei: score(x) };
  });
  candidates.sort((a, b) => b.ei - a.ei);
  const refined = candidates.slice(0, REFINED).map((c) => compassSearch(c, score));
  refined.sort((a, b) => b.ei - a.ei);
  return { x: refined[0].x, kind: 'expected improvement' };
}

/**
 * The value to improve on: the GP's lowest posterior mean at the measured points ("EI with
 * plug-in", Picheny et al. 2013). With exact measurements that is the lowest one measured; with
 * noisy ones the lowest measurement is mostly luck, and improving on it sent the search to where
 * the GP knows least instead of where it expects low values (bench/search-noise.ts).
 */
export function incumbent(gp: GaussianProcess, history: readonly Observation[]): number {
  return Math.min(...history.map((o) => gp.predict(o.x).mean));
}

/**
 * E[max(best − f(x), 0)] under the GP posterior at x (we minimise):
 * (best − μ)·Φ(z) + σ·φ(z), z = (best − μ)/σ. Where the posterior has no variance left the
 * improvement is certain, max(best − μ, 0), which is 0 at an exactly interpolated best.
 */
export function expectedImprovement(gp: GaussianProcess, x: readonly number[], best: number): number {
  const { mean, variance } = gp.predict(x);
  const improvement = best - mean;
  const sigma = Math.sqrt(variance);
  if (sigma < 1e-12 * Math.max(1, Math.abs(best))) return Math.max(improvement, 0);
  const z = improvement / sigma;
  return Math.max(improvement * normalCdf(z) + sigma * normalPdf(z), 0);
}

function compassSearch(start: { x: number[]; ei: number }, score: (x: number[]) => number): { x: number[]; ei: number } {
  let { x, ei } = start;
  for (let step = FIRST_STEP, moves = 0; step >= LAST_STEP && moves < MAX_MOVES; moves++) {
    let moved = false;
    for (let d = 0; d < x.length; d++) {
      for (const sign of [1, -1]) {
        const candidate = x.map((v, i) => (i === d ? Math.min(1, Math.max(0, v + sign * step)) : v));
        const candidateEi = score(candidate);
        if (candidateEi > ei) [x, ei, moved] = [candidate, candidateEi, true];
      }
    }
    if (!moved) step /= 2;
  }
  return { x, ei };
}

const normalPdf = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** Φ(z) through erfc, accurate in the far tails where 1 − Φ would cancel. */
const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

/**
 * The complementary error function by the Chebyshev-fitted exponential of Press et al.,
 * Numerical Recipes §6.2 (fractional error below 1.2e-7 for every x).
 */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(-x * x + poly);
  return x >= 0 ? value : 2 - value;
}
