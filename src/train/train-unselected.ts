import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { GraphSpec } from '../nets/graph.ts';
import { initialWeights, netFromWeights } from '../nets/init.ts';
import type { Net } from '../nets/net.ts';
import type { Backend } from '../runtime/backend.ts';
import { checkpointPath, loadCheckpoint, type Checkpoint } from './checkpoint.ts';
import { recipeClassWeights } from './class-weights.ts';
import type { ImageSet } from './image-set.ts';
import type { Recipe } from './recipe.ts';
import { Sgd } from './train-step.ts';
import { trainEpochs, type TrainingRun } from './trainer.ts';
import { settingsDifferences, type RunSettings, type TrainingState } from './training-state.ts';

export interface UnselectedRun {
  spec: GraphSpec;
  backend: Backend;
  recipe: Recipe;
  settings: RunSettings;
  epochs: number;
  train: ImageSet;
  checkpointDir: string;
  /** A checkpoint to go on from (see resumableCheckpoint), or null to start from `initial` or else the seed's initial weights. */
  checkpoint: Checkpoint | null;
  initial?: ReadonlyMap<string, Float32Array>;
  onStep?: (label: string) => void;
}

/**
 * The checkpoint in `dir` when it was made with exactly these settings and has not passed
 * `epochs`: continuing it gives what an uninterrupted run would (bit-identical on cpu).
 * Null when there is none, or it belongs to other settings (it will be overwritten).
 */
export async function resumableCheckpoint(dir: string, settings: RunSettings, epochs: number): Promise<Checkpoint | null> {
  if (!existsSync(checkpointPath(dir))) return null;
  const checkpoint = await loadCheckpoint(dir);
  const same = settingsDifferences(checkpoint.state.settings, settings).length === 0;
  return same && checkpoint.state.epoch <= epochs ? checkpoint : null;
}

/**
 * Trains for exactly `epochs` epochs with the trainer and no validation set: the final
 * weights are the result, so nothing is selected on images the run will be judged on. A
 * checkpoint is written to checkpointDir after every epoch. Returns the trained net, which
 * the caller disposes, and the run's state; a diverged run throws TrainingDiverged.
 */
export async function trainUnselected(options: UnselectedRun): Promise<{ net: Net; state: TrainingState }> {
  const { spec, backend, recipe, settings, train, checkpoint, checkpointDir } = options;
  await mkdir(checkpointDir, { recursive: true });
  const net = netFromWeights(spec, backend, checkpoint?.weights ?? options.initial ?? initialWeights(spec, settings.seed));
  const sgd = new Sgd(net);
  try {
    if (checkpoint) sgd.importVelocities(checkpoint.velocities);
    const run: TrainingRun = {
      net, sgd, recipe, train, checkpointDir,
      classWeights: recipeClassWeights(recipe, train.labels),
      state: checkpoint?.state ?? { settings, epoch: 0, best: null, log: [], seconds: 0 },
      bestWeights: new Map(),
      average: checkpoint?.average ?? new Map(),
      onStep: options.onStep,
    };
    await trainEpochs(run, options.epochs);
    return { net, state: run.state };
  } catch (err) {
    net.dispose();
    throw err;
  } finally {
    sgd.dispose();
  }
}
