import type { BnStatistics } from './population-statistics.ts';
import type { BinaryMetrics } from './metrics.ts';

/** Every setting that decides a run's result. A resumed run must have the same ones; only the number of epochs may grow. */
export interface RunSettings {
  net: string;
  size: number;
  seed: number;
  batch: number;
  recipe: string;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** The rate of the net's dropout layer (buildNet). */
  dropout: number;
  /** Where the BN layers' inference statistics come from (population-statistics.ts). */
  bnStatistics: BnStatistics;
  root: string;
  trainList: string | null;
  valList: string | null;
  limit: number | null;
  /** The pretrained file the run started from (--init); absent: the seed's initialisation. */
  init?: string;
}

/** One line of the --log file. */
export interface EpochLog {
  epoch: number;
  /** Mean class-weighted training loss over the epoch's steps (augmented images, dropout on). */
  loss: number;
  /** Training accuracy of those same forward passes. */
  accuracy: number;
  /** Null when the run has no validation images (or the score needs a class they lack). */
  valAccuracy: number | null;
  /** Mean unweighted cross-entropy on the validation images; null without them. */
  valLoss: number | null;
  lr: number;
  seconds: number;
}

/** Where a run stands after its last completed epoch. */
export interface TrainingState {
  settings: RunSettings;
  /** Epochs completed. */
  epoch: number;
  /** The epoch with the best validation accuracy so far (the earliest on ties) and its scores. */
  best: { epoch: number; metrics: BinaryMetrics } | null;
  log: EpochLog[];
  /** Training time so far, summed over resumed runs. */
  seconds: number;
  /** Of a recipe that averages its weights: the epoch the average began at and how many epochs it holds. */
  average?: { from: number; count: number };
}

/** "lr 0.01 (checkpoint) vs 0.02 (now)" for each setting that differs. */
export function settingsDifferences(saved: RunSettings, wanted: RunSettings): string[] {
  return ([...new Set([...Object.keys(saved), ...Object.keys(wanted)])] as (keyof RunSettings)[])
    .filter((key) => saved[key] !== wanted[key])
    .map((key) => `${key} ${JSON.stringify(saved[key])} (checkpoint) vs ${JSON.stringify(wanted[key])} (now)`);
}
