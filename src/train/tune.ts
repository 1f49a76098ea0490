import { writeFileAtomic } from '../nets/atomic-write.ts';
import { buildNet } from '../nets/index.ts';
import type { Backend } from '../runtime/backend.ts';
import { proposePoint, type Observation } from './bayes-opt.ts';
import { predictSet } from './evaluate.ts';
import type { ImageSet } from './image-set.ts';
import { binaryMetrics } from './metrics.ts';
import type { Recipe } from './recipe.ts';
import { TrainingDiverged } from './trainer.ts';
import { resumableCheckpoint, trainUnselected } from './train-unselected.ts';
import type { RunSettings } from './training-state.ts';
import { formatTuneLog, type Attempt, type TuneSettings } from './tune-log.ts';
import { fromUnit, searchSpace, toUnit, type Hyperparameters, type Pinned } from './tune-space.ts';

export interface Search {
  backend: Backend;
  recipe: Recipe;
  settings: TuneSettings;
  train: ImageSet;
  val: ImageSet;
  /** Attempts wanted in all, counting those already in `history`. */
  attempts: number;
  /** The finished attempts, oldest first; new ones are appended. */
  history: Attempt[];
  /** The search log, rewritten atomically after every attempt. */
  logFile: string;
  /** The attempt in progress checkpoints here after every epoch. */
  checkpointDir: string;
  /** Go on from the checkpoint of the attempt a kill interrupted, when it is the one proposed now. */
  resume: boolean;
  /** Called once before training with the number of training steps ahead. */
  onStart?: (steps: number) => void;
  onStep?: (label: string) => void;
  /** Called when an attempt diverges, with the number of its training steps that will not run. */
  onSkip?: (steps: number) => void;
  onAttempt?: (attempt: Attempt) => void;
}

/**
 * Bayesian search over searchSpace(settings) (the hyperparameters the settings do not pin): the first `settings.random` attempts are seeded random
 * points, the rest maximise expected improvement of a GP fitted to the validation error
 * (1 − accuracy) so far. Each attempt builds settings.net with its dropout and trains from the same initial weights with the same
 * seed (so only the hyperparameters differ) for exactly `epochs` epochs, and is scored by
 * the validation accuracy of its final weights: the best of its epochs would favour the
 * settings whose accuracy swings most on a small validation set. A diverged attempt is
 * logged and counts as the worst error seen so far (or chance, 0.5) for the GP.
 */
export async function tune(search: Search): Promise<void> {
  const { settings } = search;
  const propose = () => {
    const { x, kind } = proposePoint(observations(search.history, settings), { dims: searchSpace(settings).length, seed: settings.seed, initialRandom: settings.random });
    return { params: fromUnit(x, settings), kind };
  };
  const stepsPerEpoch = Math.ceil(search.train.count / settings.batch);
  const pendingAttempts = Math.max(search.attempts - search.history.length, 0);
  const first = pendingAttempts > 0 && search.resume ? await resumableCheckpoint(search.checkpointDir, runSettings(settings, propose().params), settings.epochs) : null;
  search.onStart?.((pendingAttempts * settings.epochs - (first?.state.epoch ?? 0)) * stepsPerEpoch);

  while (search.history.length < search.attempts) {
    const number = search.history.length + 1;
    const { params, kind } = propose();
    const started = performance.now();
    const trainSettings = runSettings(settings, params);
    const checkpoint = search.resume ? await resumableCheckpoint(search.checkpointDir, trainSettings, settings.epochs) : null;
    const attempt: Attempt = { attempt: number, proposedBy: kind, ...params, valAccuracy: null, val: null, trainLoss: null, diverged: null, seconds: 0, settings };
    let stepsLeft = (settings.epochs - (checkpoint?.state.epoch ?? 0)) * stepsPerEpoch;
    try {
      const { net, state } = await trainUnselected({
        spec: buildNet(settings.net, { size: settings.size, dropout: params.dropout }), backend: search.backend, recipe: search.recipe, settings: trainSettings, epochs: settings.epochs,
        train: search.train, checkpointDir: search.checkpointDir, checkpoint,
        onStep: (step) => {
          stepsLeft--;
          search.onStep?.(`attempt ${number}/${search.attempts} ${step}`);
        },
      });
      const scoring = performance.now();
      const { pCovid } = await predictSet(net, search.val, settings.batch).finally(() => net.dispose());
      attempt.val = binaryMetrics(search.val.labels, pCovid);
      attempt.valAccuracy = attempt.val.accuracy;
      attempt.trainLoss = state.log.at(-1)?.loss ?? null;
      // Training time includes that of a run interrupted and resumed.
      attempt.seconds = state.seconds + (performance.now() - scoring) / 1000;
    } catch (err) {
      if (!(err instanceof TrainingDiverged)) throw err;
      attempt.diverged = err.message;
      search.onSkip?.(stepsLeft);
      attempt.seconds = (performance.now() - started) / 1000;
    }
    search.history.push(attempt);
    await writeFileAtomic(search.logFile, formatTuneLog(search.history));
    search.onAttempt?.(attempt);
  }
}

/**
 * What the GP is fitted to: each attempt's point in searchSpace(pinned) and its
 * validation error (a diverged one's: the worst error seen, or chance).
 */
export function observations(history: readonly Attempt[], pinned: Pinned): Observation[] {
  const errors = history.flatMap((a) => (a.valAccuracy === null ? [] : [1 - a.valAccuracy]));
  const worst = errors.length ? Math.max(...errors) : 0.5;
  return history.map((a) => ({ x: toUnit(a, pinned), y: a.valAccuracy === null ? worst : 1 - a.valAccuracy }));
}

/** The training settings of one attempt (its checkpoint is resumed only by an attempt with the same ones). */
function runSettings(s: TuneSettings, h: Hyperparameters): RunSettings {
  return { net: s.net, size: s.size, seed: s.seed, batch: s.batch, recipe: s.recipe, lr: h.lr, momentum: h.momentum, weightDecay: h.l2, dropout: h.dropout, bnStatistics: s.bnStatistics, root: s.root, trainList: s.trainList, valList: null, limit: s.limit };
}
