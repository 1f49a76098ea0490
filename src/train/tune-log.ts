import { readFile } from 'node:fs/promises';
import { DEFAULT_DROPOUT } from '../nets/layers.ts';
import type { ProposalKind } from './bayes-opt.ts';
import type { BinaryMetrics } from './metrics.ts';
import type { BnStatistics } from './population-statistics.ts';
import { SEARCH_SPACE, type Hyperparameters, type Pinned } from './tune-space.ts';

/** Every setting that decides an attempt's score, besides its hyperparameters (the pinned ones among them); a resumed search must have the same. */
export interface TuneSettings extends Pinned {
  net: string;
  recipe: string;
  root: string;
  trainList: string;
  valList: string;
  size: number;
  epochs: number;
  batch: number;
  limit: number | null;
  seed: number;
  /** Where the BN layers' inference statistics come from (population-statistics.ts). */
  bnStatistics: BnStatistics;
  /** How many attempts are random before expected improvement takes over. */
  random: number;
}

/** One line of the search log: a finished attempt. */
export interface Attempt extends Hyperparameters {
  /** 1-based. */
  attempt: number;
  proposedBy: ProposalKind;
  /** Validation accuracy of the final epoch's weights: the score the search maximises. Null when training diverged. */
  valAccuracy: number | null;
  val: BinaryMetrics | null;
  /** Mean training loss of the last epoch. */
  trainLoss: number | null;
  /** Why training stopped, when a loss became NaN or infinite. */
  diverged: string | null;
  seconds: number;
  settings: TuneSettings;
}

export const formatTuneLog = (attempts: readonly Attempt[]): string => attempts.map((a) => `${JSON.stringify(a)}\n`).join('');

/** The attempts of a search log; a line that is not one names the file and the line. */
export function parseTuneLog(text: string, path: string): Attempt[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const where = `${path} line ${index + 1}`;
      let attempt: Attempt;
      try {
        attempt = JSON.parse(line);
      } catch (err) {
        throw new Error(`${where} is not JSON (${(err as Error).message}): not a search log, or a damaged one`);
      }
      if (typeof attempt?.settings !== 'object' || attempt.settings === null) throw new Error(`${where}: no "settings"`);
      const settings = attempt.settings as Partial<TuneSettings>;
      // Before dropout was searched, every attempt trained with light-cnn's fixed 0.5; before the SGD settings could be pinned, the search varied them.
      if (settings.dropout === undefined) {
        settings.dropout = DEFAULT_DROPOUT;
        attempt.dropout ??= DEFAULT_DROPOUT;
      }
      for (const key of ['lr', 'momentum', 'l2'] as const) settings[key] ??= null;
      settings.bnStatistics ??= 'moving'; // before population statistics, every attempt kept the moving ones
      const numbers = ['lr', 'momentum', 'l2', 'dropout', 'seconds'] as const;
      const bad = numbers.find((key) => typeof attempt?.[key] !== 'number');
      if (bad) throw new Error(`${where}: "${bad}" is missing or not a number`);
      if (attempt.attempt !== index + 1) throw new Error(`${where}: attempt ${JSON.stringify(attempt.attempt)}, expected ${index + 1} (attempts are logged in order)`);
      if (attempt.valAccuracy !== null && typeof attempt.valAccuracy !== 'number') throw new Error(`${where}: "valAccuracy" must be a number or null`);
      return attempt;
    });
}

/** The log's attempts for --resume: missing file, unreadable file or bad line is an error naming it. */
export async function readTuneLog(path: string): Promise<Attempt[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `--resume: there is no search log ${path}` : `cannot read ${path}: ${(err as Error).message}`);
  }
  return parseTuneLog(text, path);
}

/** "epochs 20 (log) vs 10 (now)" for each setting that differs; a searched hyperparameter shows as "searched". */
export function tuneSettingsDifferences(saved: TuneSettings, wanted: TuneSettings): string[] {
  const show = (key: keyof TuneSettings, value: unknown) => (SEARCH_SPACE.some((d) => d.name === key) && value === null ? 'searched' : JSON.stringify(value));
  return (Object.keys(wanted) as (keyof TuneSettings)[])
    .filter((key) => saved[key] !== wanted[key])
    .map((key) => `${key} ${show(key, saved[key])} (log) vs ${show(key, wanted[key])} (now)`);
}

/** The attempt with the highest validation accuracy, the earliest on ties; undefined when every attempt diverged. */
export function bestAttempt(attempts: readonly Attempt[]): Attempt | undefined {
  return attempts.reduce<Attempt | undefined>((best, a) => (a.valAccuracy !== null && (best === undefined || a.valAccuracy > best.valAccuracy!) ? a : best), undefined);
}
