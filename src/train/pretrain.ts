import type { Net } from '../nets/net.ts';
import { contrastiveBatch } from './contrastive-batch.ts';
import type { ImageSet } from './image-set.ts';
import { PAPER_RECIPE, ROBUST_RECIPE, type Recipe } from './recipe.ts';
import { QUARTER_TURNS, rotationBatch } from './rotation-batch.ts';
import type { Sgd } from './train-step.ts';
import { trainEpochs } from './trainer.ts';
import type { EpochLog, TrainingState } from './training-state.ts';

/** The paper recipe with its zoom and noise but not its rotation, which would blur the pretext's label (the quarter turn). */
export const PRETEXT_RECIPE: Recipe = { ...PAPER_RECIPE, augment: { ...PAPER_RECIPE.augment, rotationDegrees: [0, 0] } };

/**
 * The views of the contrastive pretext: the robust recipe's (any orientation, contrast, gamma,
 * noise), with SimCLR's harder crops: zoom up to 2 (a quarter of the slice) and shifts up to 15%.
 * No dropout: it would drop parts of the projection the loss compares.
 */
export const CONTRASTIVE_RECIPE: Recipe = { ...ROBUST_RECIPE, name: 'contrastive-pretext', dropout: 0, augment: { ...ROBUST_RECIPE.augment, scale: [1.0, 2.0], shift: 0.15 } };

/** Rotation prediction (a 4-way classifier), or SimCLR's contrastive task (the classifier a projection of PROJECTION_DIMS). */
export type Pretext = { kind: 'rotation' } | { kind: 'contrastive'; temperature: number };

/** A pretraining run: the net with the pretext's head, its optimiser and the slices (labels unused). */
export interface Pretraining {
  net: Net;
  sgd: Sgd;
  images: ImageSet;
  pretext: Pretext;
  /** The settings (lr is the first epoch's; it decays as the paper recipe's does) and the epochs done; updated after every epoch. */
  state: TrainingState;
  checkpointDir: string;
  onStep?: (label: string) => void;
  onEpoch?: (line: EpochLog) => void;
}

/**
 * train's epochs (trainer.ts: the same random streams, checkpoints and resume, NaN stop) on a
 * pretext task, with no validation. Rotation (Gidaris et al. 2018): each augmented slice is turned
 * by a random quarter turn and the net learns which one, with equal class weights. Contrastive
 * (Chen et al. 2020): two views of each slice, and the net learns which rows are views of one slice.
 */
export function pretrainEpochs(run: Pretraining, epochs: number): Promise<void> {
  const size = run.net.spec.inputShape[1];
  const { pretext } = run;
  return trainEpochs({
    ...run, train: run.images, bestWeights: new Map(), average: new Map(),
    ...(pretext.kind === 'rotation'
      ? { recipe: PRETEXT_RECIPE, classWeights: new Float32Array(QUARTER_TURNS.length).fill(1), pretext: (augment, count, rng) => rotationBatch(augment(), count, size, rng) }
      : { recipe: CONTRASTIVE_RECIPE, classWeights: new Float32Array(0), pretext: (augment, count) => contrastiveBatch(augment, count, pretext.temperature) }),
  }, epochs);
}
