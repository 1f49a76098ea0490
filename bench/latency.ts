import type { CaseResult } from './bench-schema.ts';
import { median } from './timing.ts';

/** One benchmark case ready to run: the same interface for our backends and every peer, in Node and in the page. */
export interface CaseRunner {
  /** Runs the whole batch once (upload, compute, read back); returns the class probabilities [batch, classes], or null for a training step. */
  run(): Promise<Float32Array | null>;
  /** Starts a new peak-memory window, where the runner can measure one. */
  resetPeak?(): void;
  /** Peak GPU bytes since resetPeak, or null. */
  peakGpuBytes?(): number | null;
  dispose(): Promise<void> | void;
}

export interface TimingPlan {
  /** Untimed runs, the first of which is also the output check; 0: the first run is the only timed one (ONE_RUN). */
  warmup: number;
  minRepeats: number;
  maxRepeats: number;
  /** Repeats stop at about this much time (but never below minRepeats): fast cases get more samples. */
  budgetMs: number;
}

/** For a case whose single run takes many minutes: a warm-up would not change it, and repeats would take hours. */
export const ONE_RUN: TimingPlan = { warmup: 0, minRepeats: 1, maxRepeats: 1, budgetMs: 0 };

/** Largest allowed |p − p_ours| of a class probability before a peer's time counts. */
export const PROBABILITY_TOLERANCE = 1e-3;

export type Measured = Pick<CaseResult, 'msPerImage' | 'imagesPerSec' | 'peakGpuBytes' | 'maxAbsDiffVsOurs' | 'repeats' | 'firstRunMs' | 'note'>;

export function maxAbsDiff(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/**
 * Checks the runner's first output against `reference` (our CPU backend's probabilities for the
 * same batch), then times it. A runner that disagrees gets its difference and no time.
 */
export async function measure(runner: CaseRunner, plan: TimingPlan, batch: number, reference: Float32Array | null): Promise<Measured> {
  if (plan.warmup === 0) runner.resetPeak?.();
  let start = performance.now();
  const first = await runner.run();
  const firstMs = performance.now() - start;
  let diff: number | null = null;
  if (reference) {
    diff = first ? maxAbsDiff(first, reference) : Infinity;
    if (!(diff <= PROBABILITY_TOLERANCE)) {
      const note = `output disagrees with ours: max |Δp| ${diff} > ${PROBABILITY_TOLERANCE}, not timed`;
      return { msPerImage: null, imagesPerSec: null, peakGpuBytes: null, maxAbsDiffVsOurs: diff, repeats: 0, firstRunMs: null, note };
    }
  }
  if (plan.warmup === 0) return timed([firstMs / batch], runner, diff, firstMs);
  for (let i = 1; i < plan.warmup; i++) await runner.run();
  runner.resetPeak?.();
  // Repeats until the budget is spent, counted from the warm runs themselves: the first, cold run
  // (pipelines compiled, weights uploaded) would give fast cases too few.
  const ms: number[] = [];
  const budgetStart = performance.now();
  while (ms.length < plan.minRepeats || (ms.length < plan.maxRepeats && performance.now() - budgetStart < plan.budgetMs)) {
    start = performance.now();
    await runner.run();
    ms.push((performance.now() - start) / batch);
  }
  return timed(ms, runner, diff, firstMs);
}

function timed(ms: number[], runner: CaseRunner, diff: number | null, firstRunMs: number): Measured {
  const msPerImage = { median: median(ms), min: Math.min(...ms), max: Math.max(...ms) };
  return {
    msPerImage,
    imagesPerSec: 1000 / msPerImage.median,
    peakGpuBytes: runner.peakGpuBytes?.() ?? null,
    maxAbsDiffVsOurs: diff,
    repeats: ms.length,
    firstRunMs,
  };
}

/** measure(), with a runner that fails to build or run reported as a case without a time, saying why. */
export async function measureSafely(
  make: () => Promise<CaseRunner> | CaseRunner,
  plan: TimingPlan,
  batch: number,
  reference: Float32Array | null,
): Promise<Measured> {
  let runner: CaseRunner | undefined;
  try {
    runner = await make();
    return await measure(runner, plan, batch, reference);
  } catch (err) {
    const note = `failed: ${err instanceof Error ? err.message : String(err)}`.split('\n')[0];
    return { msPerImage: null, imagesPerSec: null, peakGpuBytes: null, maxAbsDiffVsOurs: null, repeats: 0, firstRunMs: null, note };
  } finally {
    await runner?.dispose();
  }
}
