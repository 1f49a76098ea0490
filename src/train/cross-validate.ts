import { join } from 'node:path';
import type { GraphSpec } from '../nets/graph.ts';
import type { Backend } from '../runtime/backend.ts';
import { writeCvResults, type CvResults, type CvSettings, type FoldResult } from './cv-results.ts';
import { predictSet } from './evaluate.ts';
import type { ImageSet } from './image-set.ts';
import { binaryMetrics } from './metrics.ts';
import type { Recipe } from './recipe.ts';
import { resumableCheckpoint, trainUnselected } from './train-unselected.ts';
import type { RunSettings } from './training-state.ts';

export interface CrossValidation {
  spec: GraphSpec;
  backend: Backend;
  recipe: Recipe;
  /** Every image, in the order the folds' indices refer to. */
  set: ImageSet;
  /** Entry indices of each fold. */
  folds: number[][];
  /** The results so far; folds whose result is null are trained and scored, in order. */
  results: CvResults;
  resultsFile: string;
  /** Each fold's checkpoint goes to outDir/fold-NN. */
  outDir: string;
  /** Go on from a fold checkpoint made with the same settings instead of starting that fold again. */
  resume: boolean;
  /** Train only these folds (0-based; cv --only-folds), leaving the rest to another process or a later resume; absent: every fold. */
  only?: ReadonlySet<number>;
  /** The weights every fold starts from (cv --init); absent: the seed's initialisation. */
  initial?: ReadonlyMap<string, Float32Array>;
  /** Called once before training with the number of training steps ahead. */
  onStart?: (steps: number) => void;
  onStep?: (label: string) => void;
  onFold?: (fold: number, result: FoldResult) => void;
}

export const foldDir = (outDir: string, fold: number): string => join(outDir, `fold-${String(fold + 1).padStart(2, '0')}`);

/**
 * For each unfinished fold (of `only`, when given): trains on the other folds for the set number of epochs (no
 * validation set, so nothing is selected on the held-out fold: the final weights are
 * scored), scores the held-out fold, and rewrites the results file.
 */
export async function crossValidate(cv: CrossValidation): Promise<void> {
  const { settings } = cv.results;
  const pending = cv.folds.flatMap((_, f) => (cv.results.folds[f].result || (cv.only && !cv.only.has(f)) ? [] : [f]));
  const trainCount = (f: number) => cv.set.count - cv.folds[f].length;
  let steps = 0;
  for (const f of pending) {
    const done = cv.resume ? ((await resumableCheckpoint(foldDir(cv.outDir, f), foldRunSettings(settings, f), settings.epochs))?.state.epoch ?? 0) : 0;
    steps += (settings.epochs - done) * Math.ceil(trainCount(f) / settings.batch);
  }
  cv.onStart?.(steps);

  for (const f of pending) {
    const { train, test } = foldSets(cv.set, cv.folds[f]);
    const runSettings = foldRunSettings(settings, f);
    const checkpointDir = foldDir(cv.outDir, f);
    const checkpoint = cv.resume ? await resumableCheckpoint(checkpointDir, runSettings, settings.epochs) : null;
    const label = `fold ${f + 1}/${cv.folds.length}`;
    const { net, state } = await trainUnselected({
      spec: cv.spec, backend: cv.backend, recipe: cv.recipe, settings: runSettings, epochs: settings.epochs, train, checkpointDir, checkpoint, initial: cv.initial,
      onStep: (step) => cv.onStep?.(`${label} ${step}`),
    }).catch((err: Error) => {
      err.message = `${label}: ${err.message}`;
      throw err;
    });
    const started = performance.now();
    const { pCovid } = await predictSet(net, test, settings.batch).finally(() => net.dispose());
    const result: FoldResult = {
      trainImages: train.count,
      seconds: state.seconds + (performance.now() - started) / 1000,
      metrics: binaryMetrics(test.labels, pCovid),
      pCovid: [...pCovid],
    };
    cv.results.folds[f].result = result;
    await writeCvResults(cv.resultsFile, cv.results);
    cv.onFold?.(f, result);
  }
}

/** The settings a fold's checkpoint is made with: the run's, training on every fold but this one. */
export function foldRunSettings(settings: CvSettings, fold: number): RunSettings {
  const { net, size, seed, batch, recipe, lr, momentum, weightDecay, dropout, bnStatistics, root, lists, limit, folds, init } = settings;
  const pooled = lists.length ? lists.join(' + ') : root;
  return { net, size, seed, batch, recipe, lr, momentum, weightDecay, dropout, bnStatistics, root, trainList: `${pooled} without fold ${fold + 1} of ${folds}`, valList: null, limit, ...(init ? { init } : {}) };
}

/** A fold's training images (every other fold's, in the set's order) and its held-out ones (`held`, indices into the set). */
export function foldSets(set: ImageSet, held: readonly number[]): { train: ImageSet; test: ImageSet } {
  const heldSet = new Set(held);
  return { train: pickImages(set, Array.from({ length: set.count }, (_, i) => i).filter((i) => !heldSet.has(i))), test: pickImages(set, held) };
}

function pickImages(set: ImageSet, indices: readonly number[]): ImageSet {
  const values = set.x.length / set.count;
  const x = new Float32Array(indices.length * values);
  indices.forEach((image, i) => x.set(set.x.subarray(image * values, (image + 1) * values), i * values));
  return { count: indices.length, size: set.size, x, labels: Float32Array.from(indices, (image) => set.labels[image]), normalise: set.normalise };
}
