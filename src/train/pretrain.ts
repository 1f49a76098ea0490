import type { Net } from '../nets/net.ts';
import type { ImageSet } from './image-set.ts';
import { PAPER_RECIPE, type Recipe } from './recipe.ts';
import { QUARTER_TURNS, rotationBatch } from './rotation-batch.ts';
import type { Sgd } from './train-step.ts';
import { trainEpochs } from './trainer.ts';
import type { EpochLog, TrainingState } from './training-state.ts';

/** The paper recipe with its zoom and noise but not its rotation, which would blur the pretext's label (the quarter turn). */
export const PRETEXT_RECIPE: Recipe = { ...PAPER_RECIPE, augment: { ...PAPER_RECIPE.augment, rotationDegrees: [0, 0] } };

/** A rotation-prediction run: a net with one output per quarter turn, its optimiser and the slices (labels unused). */
export interface Pretraining {
  net: Net;
  sgd: Sgd;
  images: ImageSet;
  /** The settings (lr is the first epoch's; it decays as the paper recipe's does) and the epochs done; updated after every epoch. */
  state: TrainingState;
  checkpointDir: string;
  onStep?: (label: string) => void;
  onEpoch?: (line: EpochLog) => void;
}

/**
 * Gidaris et al. (2018): train's epochs (trainer.ts: the same random streams, checkpoints and
 * resume, NaN stop) where each augmented slice is turned by a random quarter turn and the net
 * learns which one, with equal class weights and no validation.
 */
export function pretrainEpochs(run: Pretraining, epochs: number): Promise<void> {
  const size = run.net.spec.inputShape[1];
  return trainEpochs({
    ...run, train: run.images, recipe: PRETEXT_RECIPE, classWeights: new Float32Array(QUARTER_TURNS.length).fill(1), bestWeights: new Map(),
    pretext: (x, count, rng) => rotationBatch(x, count, size, rng),
  }, epochs);
}
