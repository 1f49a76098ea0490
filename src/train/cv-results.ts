import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../nets/atomic-write.ts';
import { DEFAULT_DROPOUT } from '../nets/layers.ts';
import type { BinaryMetrics } from './metrics.ts';
import type { BnStatistics } from './population-statistics.ts';

export const CV_FORMAT = 'covid-ct-cv/1';

/** Every setting that decides a cross-validation's result; a resumed one must have the same. */
export interface CvSettings {
  net: string;
  recipe: string;
  size: number;
  epochs: number;
  batch: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** The rate of the net's dropout layer (buildNet). */
  dropout: number;
  /** Where the BN layers' inference statistics come from (population-statistics.ts). */
  bnStatistics: BnStatistics;
  seed: number;
  /** The seed that dealt the folds (cv --deal; by default `seed`). */
  deal: number;
  folds: number;
  /** The images folder, the split lists pooled (none: every image under root) and the patient table. */
  root: string;
  lists: string[];
  meta: string;
  /** Only the first `limit` patients of each class. */
  limit: number | null;
  /** The pretrained file every fold started from (cv --init); absent: the seed's initialisation. */
  init?: string;
}

export interface FoldResult {
  trainImages: number;
  seconds: number;
  /** Scores of the final epoch's weights on the held-out fold. */
  metrics: BinaryMetrics;
  /** P(COVID) of each held-out image, in the order of the fold's `images`. */
  pCovid: number[];
}

export interface FoldRecord {
  /** The held-out images, relative to root (CLASS/file). */
  images: string[];
  patients: number;
  /** Null until the fold has been trained and scored. */
  result: FoldResult | null;
}

/** Whether two folds hold out the same images, in any order: only such folds can be paired or averaged. */
export function sameHeldOut(a: FoldRecord, b: FoldRecord): boolean {
  const [x, y] = [[...a.images].sort(), [...b.images].sort()];
  return x.length === y.length && x.every((image, i) => image === y[i]);
}

export const METRIC_KEYS = ['accuracy', 'sensitivity', 'specificity', 'precision', 'f1', 'auc'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];
export type MetricRow = Record<MetricKey, number | null>;

/** The results file: rewritten atomically after every fold, so a killed run loses at most the fold in progress. */
export interface CvResults {
  format: typeof CV_FORMAT;
  command: string;
  settings: CvSettings;
  /** How each fold's model was chosen, in words. */
  selection: string;
  folds: FoldRecord[];
  /** Over the finished folds: the mean and sample standard deviation (n − 1) of each metric. */
  summary: { finished: number; mean: MetricRow; sd: MetricRow };
}

/**
 * Mean and sample standard deviation of each metric over the folds that have it (a fold
 * without one class has no sensitivity or no specificity, for instance); null when no fold
 * has it, and an sd of null with fewer than two.
 */
export function summarise(folds: readonly FoldRecord[]): CvResults['summary'] {
  const finished = folds.flatMap((f) => (f.result ? [f.result.metrics] : []));
  const mean = {} as MetricRow;
  const sd = {} as MetricRow;
  for (const key of METRIC_KEYS) {
    const values = finished.flatMap((m) => (m[key] === null ? [] : [m[key]]));
    const average = values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
    mean[key] = average;
    sd[key] = average !== null && values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - average) ** 2, 0) / (values.length - 1)) : null;
  }
  return { finished: finished.length, mean, sd };
}

export async function writeCvResults(path: string, results: CvResults): Promise<void> {
  results.summary = summarise(results.folds);
  await writeFileAtomic(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** Reads a results file for --resume; a file that is not one is an error naming it. */
export async function readCvResults(path: string): Promise<CvResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `--resume: there is no results file ${path}` : `cannot read ${path}: ${(err as Error).message}`);
  }
  let results: CvResults;
  try {
    results = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not JSON (${(err as Error).message}): not a cross-validation results file, or a damaged one`);
  }
  if (results?.format !== CV_FORMAT || !Array.isArray(results.folds) || typeof results.settings !== 'object') {
    throw new Error(`${path} is not a cross-validation results file (format ${JSON.stringify(results?.format)}, expected ${CV_FORMAT})`);
  }
  // Settings older results lack: all trained at the default dropout, kept the moving BN statistics, dealt by the seed.
  const settings: Partial<CvSettings> = results.settings;
  settings.dropout ??= DEFAULT_DROPOUT;
  settings.bnStatistics ??= 'moving';
  settings.deal ??= settings.seed;
  return results;
}

/** "epochs 20 (results file) vs 10 (now)" for each setting that differs. */
export function cvSettingsDifferences(saved: CvSettings, wanted: CvSettings): string[] {
  const shown = (value: unknown) => JSON.stringify(value) ?? 'none';
  return ([...new Set([...Object.keys(wanted), ...Object.keys(saved)])] as (keyof CvSettings)[])
    .filter((key) => shown(saved[key]) !== shown(wanted[key]))
    .map((key) => `${key} ${shown(saved[key])} (results file) vs ${shown(wanted[key])} (now)`);
}
