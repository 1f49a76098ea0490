import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { METRIC_KEYS, readCvResults, sameHeldOut, type CvResults, type MetricKey, type MetricRow } from '../train/cv-results.ts';
import { ensembleCv, joinedSettings } from '../train/cv-ensemble.ts';
import { pairedT, type PairedT } from '../train/paired-t.ts';

export const COMPARE_HELP = `covid-ct compare A B [--json] [--uncorrected]
  Judges cross-validation B against A (each a cv --out-dir or its cv.json) on the folds both
  have finished, which must hold out the same slices (same data, --folds and --deal or --seed).
  X+Y as A or B is the ensemble of CVs X and Y of the same folds: each held-out slice scored by
  the mean P(COVID) of their fold models (as eval --models X,Y --held-out), each fold's metrics
  recomputed from it. X,Y as A or B is one recipe run with several --seed on the same folds
  (cv --seed N --deal D): each fold's metrics are the mean of the runs', so the test is over
  folds of seed-averaged scores; judge a change so, on two seeds of each side: a reseed alone
  moved a CV's mean accuracy by 3.5 points at 224 (docs/results.md). Per metric: the mean over
  folds of B − A, its 95% confidence interval and a two-sided paired t-test, corrected for the
  folds' overlapping training sets (Nadeau & Bengio 2003: the variance of the mean × (1 + n ·
  held-out / training slices), about 2.1 for 10 folds).
  "better" or "worse" only where p < 0.05; otherwise the difference is within the noise of
  the folds. --uncorrected gives Student's plain paired test (every p before 2026-11-28).
  A difference the same in every fold has no t-test; its p is the exact sign-flip test's, 2/2^n.
  Each metric is tested at 0.05 on its own: decide on one (accuracy, as the issues do) before
  reading the others, or one of the six may come out "better" or "worse" by chance.
  --json prints one JSON object.`;

/** A side of the comparison: its results (the first run's, of a seed list) and each fold's metrics, null where unfinished. */
interface Side {
  path: string;
  results: CvResults;
  rows: (MetricRow | null)[];
}

interface MetricComparison extends PairedT {
  meanA: number;
  meanB: number;
  verdict: 'better' | 'worse' | 'no difference';
}

async function load(path: string): Promise<Side> {
  if (path.includes(',') && !existsSync(path)) {
    const runs = await Promise.all(path.split(',').map(load));
    runs.slice(1).forEach((run) => pairedFolds(runs[0], run));
    const rows = runs[0].rows.map((_, k) => (runs.every((run) => run.rows[k]) ? meanRow(runs.map((run) => run.rows[k]!)) : null));
    return { path: runs.map((run) => run.path).join(', '), results: { ...runs[0].results, settings: joinedSettings(runs, ',') }, rows };
  }
  const side = (path: string, results: CvResults) => ({ path, results, rows: results.folds.map((fold) => fold.result?.metrics ?? null) });
  if (path.includes('+') && !existsSync(path)) {
    const members = await Promise.all(path.split('+').map(load));
    return side(members.map((m) => m.path).join(' + '), ensembleCv(members));
  }
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'cv.json') : path;
  if (!existsSync(file)) throw new Error(`compare: there is no ${file} (give a cv --out-dir or its cv.json)`);
  return side(file, await readCvResults(file));
}

/** Each metric's mean over several runs' scores of one fold; null where a run has none. */
function meanRow(rows: MetricRow[]): MetricRow {
  const mean = (values: (number | null)[]) => (values.includes(null) ? null : (values as number[]).reduce((s, v) => s + v, 0) / values.length);
  return Object.fromEntries(METRIC_KEYS.map((key) => [key, mean(rows.map((row) => row[key]))])) as MetricRow;
}

/** The fold indices both have results for; an error where a fold holds out different slices. */
function pairedFolds(a: Side, b: Side): number[] {
  if (a.results.folds.length !== b.results.folds.length) {
    throw new Error(`compare: ${a.path} has ${a.results.folds.length} folds and ${b.path} ${b.results.folds.length}: only the same folds can be paired`);
  }
  const folds: number[] = [];
  a.results.folds.forEach((fa, k) => {
    const fb = b.results.folds[k];
    if (!sameHeldOut(fa, fb)) {
      throw new Error(`compare: fold ${k + 1} holds out different slices in ${a.path} and ${b.path} (different data, --folds, or the deal: --seed or --deal): only the same folds can be paired`);
    }
    if (a.rows[k] && b.rows[k]) folds.push(k);
  });
  return folds;
}

/** Held-out slices per training slice, over the paired folds: the overlap the test corrects for. */
function testToTrain(results: CvResults, folds: number[]): number {
  return folds.reduce((sum, k) => sum + results.folds[k].images.length / results.folds[k].result!.trainImages, 0) / folds.length;
}

function compareMetric(a: Side, b: Side, folds: number[], key: MetricKey, correction: number): MetricComparison | null {
  const pairs = folds.flatMap((k) => {
    const [va, vb] = [a.rows[k]![key], b.rows[k]![key]];
    return va === null || vb === null ? [] : [[va, vb]];
  });
  if (pairs.length < 2) return null;
  const test = pairedT(pairs.map(([va, vb]) => vb - va), correction);
  const mean = (i: number) => pairs.reduce((s, p) => s + p[i], 0) / pairs.length;
  const verdict = test.p < 0.05 ? (test.meanDifference > 0 ? 'better' : 'worse') : 'no difference';
  return { meanA: mean(0), meanB: mean(1), ...test, verdict };
}

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;

export async function compareCommand(argv: string[]): Promise<void> {
  const options = { json: { type: 'boolean', default: false }, uncorrected: { type: 'boolean', default: false } } as const;
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options });
  if (positionals.length !== 2) throw new Error(`compare: give two cross-validations, A and B (got ${positionals.length})\n${COMPARE_HELP}`);
  const [a, b] = await Promise.all(positionals.map(load));
  const folds = pairedFolds(a, b);
  if (folds.length < 2) throw new Error(`compare: ${folds.length} fold(s) finished in both ${a.path} and ${b.path}; a paired test needs at least 2`);
  const correction = values.uncorrected ? 0 : testToTrain(a.results, folds);
  const metrics = Object.fromEntries(METRIC_KEYS.map((key) => [key, compareMetric(a, b, folds, key, correction)]));
  const [sa, sb] = [a, b].map((x) => x.results.settings as unknown as Record<string, unknown>);
  const settingChanges = [...new Set([...Object.keys(sa), ...Object.keys(sb)])]
    .map((key) => [key, sa[key], sb[key]])
    .filter(([, va, vb]) => JSON.stringify(va) !== JSON.stringify(vb))
    .map(([key, va, vb]) => `${key} ${JSON.stringify(va) ?? 'none'} → ${JSON.stringify(vb) ?? 'none'}`);
  if (values.json) {
    // A constant difference has t = ±Infinity, which JSON would write as null ("not computed").
    const infinityAsText = (_: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
    console.log(JSON.stringify({ a: a.path, b: b.path, pairedFolds: folds.map((k) => k + 1), testToTrain: correction, settingChanges, metrics }, infinityAsText));
    return;
  }
  const test = values.uncorrected ? "Student's paired t-test, uncorrected" : `paired t-test corrected for overlapping training sets (held-out / training slices ${correction.toFixed(3)})`;
  console.log(`B − A over the ${folds.length} folds finished in both (${folds.map((k) => k + 1).join(', ')}), two-sided ${test}:`);
  console.log(`  A ${a.path}\n  B ${b.path}\n  settings changed: ${settingChanges.join(', ') || 'none'}`);
  console.log(`${'metric'.padEnd(12)}${'A'.padStart(7)}${'B'.padStart(7)}  ${'B − A ± SD'.padEnd(16)}${'95% CI'.padEnd(18)}${'t'.padStart(6)}${'p'.padStart(7)}  verdict`);
  for (const key of METRIC_KEYS) {
    const m = metrics[key];
    if (!m) {
      console.log(`${key.padEnd(12)} fewer than 2 folds have it in both`);
      continue;
    }
    const ci = `[${signed(m.ci95[0])}, ${signed(m.ci95[1])}]`;
    console.log(`${key.padEnd(12)}${m.meanA.toFixed(3).padStart(7)}${m.meanB.toFixed(3).padStart(7)}  ${`${signed(m.meanDifference)} ± ${m.sdDifference.toFixed(3)}`.padEnd(16)}${ci.padEnd(18)}${m.t.toFixed(2).padStart(6)}${m.p.toFixed(3).padStart(7)}  ${m.verdict}`);
  }
}
