import type { BenchResults, CaseResult, Env } from './bench-schema.ts';

/** What became of one case between a baseline run and the current one. */
export type Verdict = 'slower' | 'faster' | 'same' | 'more memory' | 'untimed' | 'new' | 'gone';

export interface CaseComparison {
  /** env/impl/backend/net/mode/batch */
  key: string;
  impl: CaseResult['impl'];
  baselineMs: number | null;
  currentMs: number | null;
  /** current / baseline median ms per image; null unless both were timed. */
  ratio: number | null;
  /** ratio divided by the reference case's ratio in the same environment (how much faster the machine ran); null without one. */
  relativeRatio: number | null;
  baselinePeakBytes: number | null;
  currentPeakBytes: number | null;
  verdict: Verdict;
}

export interface CompareOptions {
  /** A time ratio beyond 1 + tolerance (or below 1 / (1 + tolerance)) is a change; within it, noise. */
  tolerance: number;
  /**
   * impl/backend cases, comma-separated (e.g. ort-node/cpu,ort-web/wasm): in each environment the first whose
   * batch-1 inference both runs timed measures the machine's speed in each run; cases are then judged by
   * relativeRatio (by ratio in an environment without such a case).
   */
  relativeTo?: string;
}

/** Peak GPU memory is deterministic: growth beyond this share is a regression whatever the time tolerance. */
export const MEMORY_TOLERANCE = 0.01;

export const caseKey = (c: CaseResult): string => `${c.env}/${c.impl}/${c.backend}/${c.net}/${c.mode}/${c.batch}`;

/**
 * Per environment: how many times slower the first reference case that both runs timed there (the
 * same net, batch-1 inference) ran now than in the baseline.
 */
function machineFactors(baseline: BenchResults, current: BenchResults, relativeTo: string): Map<Env, number> {
  const timedNow = new Map(current.cases.filter((c) => c.msPerImage).map((c) => [caseKey(c), c.msPerImage!.median]));
  const factors = new Map<Env, number>();
  for (const env of ['node', 'chromium'] as const) {
    for (const reference of relativeTo.split(',')) {
      const was = baseline.cases.find((c) => c.env === env && `${c.impl}/${c.backend}` === reference && c.mode === 'infer' && c.batch === 1 && c.msPerImage && timedNow.has(caseKey(c)));
      if (!was) continue;
      factors.set(env, timedNow.get(caseKey(was))! / was.msPerImage!.median);
      break;
    }
  }
  if (factors.size === 0) throw new Error(`--relative-to ${relativeTo}: no environment has a batch-1 inference case of it timed in both files`);
  return factors;
}

function verdictOf(ratio: number | null, peaks: [number | null, number | null], tolerance: number): Verdict {
  const [was, now] = peaks;
  if (was !== null && now !== null && now > was * (1 + MEMORY_TOLERANCE)) return 'more memory';
  if (ratio === null) return 'untimed';
  if (ratio > 1 + tolerance) return 'slower';
  if (ratio < 1 / (1 + tolerance)) return 'faster';
  return 'same';
}

/** Every case of either run, matched by environment, implementation, backend, net, mode and batch. */
export function compareResults(baseline: BenchResults, current: BenchResults, { tolerance, relativeTo }: CompareOptions): CaseComparison[] {
  if (!(tolerance >= 0)) throw new Error(`the tolerance must be a number ≥ 0, got ${tolerance}`);
  const factors = relativeTo ? machineFactors(baseline, current, relativeTo) : null;
  const before = new Map(baseline.cases.map((c) => [caseKey(c), c]));
  const after = new Map(current.cases.map((c) => [caseKey(c), c]));
  const keys = [...before.keys(), ...[...after.keys()].filter((k) => !before.has(k))];
  return keys.map((key) => {
    const [was, now] = [before.get(key), after.get(key)];
    const [baselineMs, currentMs] = [was?.msPerImage?.median ?? null, now?.msPerImage?.median ?? null];
    const ratio = baselineMs !== null && currentMs !== null ? currentMs / baselineMs : null;
    const factor = factors?.get((now ?? was)!.env);
    const relativeRatio = ratio !== null && factor ? ratio / factor : null;
    const peaks: [number | null, number | null] = [was?.peakGpuBytes ?? null, now?.peakGpuBytes ?? null];
    const judged = relativeRatio ?? ratio;
    const verdict: Verdict = !was ? 'new' : !now ? 'gone' : verdictOf(judged, peaks, tolerance);
    return { key, impl: (now ?? was)!.impl, baselineMs, currentMs, ratio, relativeRatio, baselinePeakBytes: peaks[0], currentPeakBytes: peaks[1], verdict };
  });
}

/** Our own cases that got slower, took more memory, or were timed in the baseline and are not now (failed or left out): what a CI job should fail on (peers' changes are not ours). */
export const regressions = (rows: readonly CaseComparison[]): CaseComparison[] =>
  rows.filter((r) => r.impl === 'ours' && (r.verdict === 'slower' || r.verdict === 'more memory' || ((r.verdict === 'untimed' || r.verdict === 'gone') && r.baselineMs !== null)));
