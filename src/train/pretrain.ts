import type { Net } from '../nets/net.ts';
import { augmentBatch } from './augment-batch.ts';
import { saveCheckpoint } from './checkpoint.ts';
import type { ImageSet } from './image-set.ts';
import { augmentRandom, dropoutSeed, epochOrder } from './random-streams.ts';
import { learningRate, PAPER_RECIPE, type AugmentSettings } from './recipe.ts';
import { QUARTER_TURNS, rotationBatch } from './rotation-batch.ts';
import { trainStep, type Sgd } from './train-step.ts';
import { TrainingDiverged } from './trainer.ts';
import type { EpochLog, TrainingState } from './training-state.ts';

/** The paper recipe's zoom and noise without its rotation, which would blur the pretext's label (the quarter turn). */
export const PRETEXT_AUGMENT: AugmentSettings = { ...PAPER_RECIPE.augment, rotationDegrees: [0, 0] };

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
 * Gidaris et al. (2018): every step, each slice of the batch is augmented, turned by a random
 * quarter turn, and the net learns which one (unweighted cross-entropy, SGD as train does).
 * Goes on from the epoch after state.epoch up to `epochs`, logging each epoch's mean loss and
 * accuracy and writing a checkpoint after it; the random streams derive from (seed, epoch, step),
 * so a resumed run ends with an uninterrupted one's weights. A NaN or infinite loss throws TrainingDiverged.
 */
export async function pretrainEpochs(run: Pretraining, epochs: number): Promise<void> {
  const { net, sgd, images, state } = run;
  const { seed, batch, momentum, weightDecay } = state.settings;
  const [channels, size] = net.spec.inputShape;
  const steps = Math.ceil(images.count / batch);
  const n = QUARTER_TURNS.length;
  for (let epoch = state.epoch + 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    const lr = learningRate(PAPER_RECIPE, state.settings.lr, epoch);
    const order = epochOrder(seed, epoch, images.count);
    let lossSum = 0;
    let correct = 0;
    for (let step = 1; step <= steps; step++) {
      const picked = order.slice((step - 1) * batch, step * batch);
      const rng = augmentRandom(seed, epoch, step);
      const { x, labels } = rotationBatch(augmentBatch(images, picked, channels, PRETEXT_AUGMENT, rng), picked.length, size, rng);
      const xT = net.backend.tensor([picked.length, channels, size, size], x);
      const { loss, probs } = await trainStep(net, sgd, xT, labels, new Float32Array(n).fill(1), { lr, momentum, weightDecay }, dropoutSeed(seed, epoch, step));
      xT.dispose();
      if (!Number.isFinite(loss)) throw new TrainingDiverged(`pretraining stopped: the loss is ${loss} at epoch ${epoch}, step ${step} of ${steps} (learning rate ${lr}); the last checkpoint is kept. Try a lower --lr.`);
      lossSum += loss * picked.length;
      correct += labels.filter((k, i) => probs.subarray(i * n, (i + 1) * n).every((p) => p <= probs[i * n + k])).length;
      run.onStep?.(`epoch ${epoch} step ${step}/${steps} loss ${loss.toFixed(4)}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const line: EpochLog = { epoch, loss: lossSum / images.count, accuracy: correct / images.count, valAccuracy: null, valLoss: null, lr, seconds };
    state.epoch = epoch;
    state.seconds += seconds;
    state.log.push(line);
    await saveCheckpoint(run.checkpointDir, net.spec, { state, weights: await net.exportWeights(), velocities: await sgd.exportVelocities(), bestWeights: new Map() });
    run.onEpoch?.(line);
  }
}
