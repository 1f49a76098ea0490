import { writeFileAtomic } from '../nets/atomic-write.ts';
import type { Net } from '../nets/net.ts';
import { augmentBatch } from './augment-batch.ts';
import { checkpointPath, saveCheckpoint } from './checkpoint.ts';
import { predictSet } from './evaluate.ts';
import type { ImageSet } from './image-set.ts';
import { binaryMetrics } from './metrics.ts';
import { mixImages, planMix } from './mixup.ts';
import { collapsedLogits } from './output-collapse.ts';
import { augmentRandom, balancedOrder, dropoutSeed, epochOrder, mixupRandom } from './random-streams.ts';
import { whiteBins } from './data/white-share.ts';
import { estimatePopulationStatistics } from './population-statistics.ts';
import { learningRate, type Recipe } from './recipe.ts';
import type { Random } from '../runtime/random.ts';
import { trainStep, type LossOptions, type Sgd } from './train-step.ts';
import type { EpochLog, TrainingState } from './training-state.ts';
import { addToAverage, averageFrom, checkAverageWindow } from './weight-average.ts';

/** A run in progress: the net and optimiser on their backend, the cached images, and where things are written. */
export interface TrainingRun {
  net: Net;
  sgd: Sgd;
  recipe: Recipe;
  train: ImageSet;
  /**
   * Scored after every epoch for model selection. Without it (cross-validation, tuning: runs
   * judged on images they must not select on) nothing is selected; the final weights are the result.
   */
  val?: ImageSet;
  classWeights: Float32Array;
  /** Updated after every epoch. */
  state: TrainingState;
  /** The weights of state.best's epoch. */
  bestWeights: Map<string, Float32Array>;
  /** The running mean of the trainable weights so far, of a recipe that averages them (empty before its first epoch). */
  average: Map<string, Float32Array>;
  checkpointDir: string;
  /** A JSON-lines file rewritten after every epoch with one line per epoch so far. */
  logFile?: string;
  /**
   * A pretext task (covid-ct pretrain): makes each step's inputs, labels and loss from the picked
   * images, the images' own labels unused; `augment` gives a fresh augmentation of them at each call.
   */
  pretext?: (augment: () => Float32Array, count: number, rng: Random) => PretextBatch;
  onStep?: (label: string) => void;
  onEpoch?: (line: EpochLog) => void;
}

/** A pretext task's step: its inputs (any number of rows), their labels, and the loss when not the recipe's. */
export interface PretextBatch {
  x: Float32Array;
  labels: Float32Array;
  loss?: LossOptions;
}

/**
 * A NaN or infinite loss, or outputs that no longer depend on the input, stopped the run:
 * the settings, not the program, are at fault (a search records it and goes on).
 */
export class TrainingDiverged extends Error {}

export const stepsPerEpoch = (run: Pick<TrainingRun, 'train' | 'state'>): number => Math.ceil(run.train.count / run.state.settings.batch);

/**
 * Trains from the epoch after state.epoch up to `epochs`. After each epoch: the BN layers'
 * population statistics where the settings ask for them, validation in inference mode,
 * model selection by validation accuracy (the earliest best epoch wins ties), a checkpoint,
 * and the log. A NaN or infinite loss, in a training step or in validation, or an epoch after
 * which the net gives its first batch of training images one output (collapsedLogits), stops the run
 * with a TrainingDiverged error before anything of that epoch is written. A recipe that averages
 * its weights adds each epoch of its window to the average and, after the last, puts the average
 * in the net: that, not a selected epoch, is then the result (and the net's weights from then on).
 */
export async function trainEpochs(run: TrainingRun, epochs: number): Promise<void> {
  const { net, sgd, state } = run;
  const from = averageFrom(run.recipe, epochs);
  checkAverageWindow(state, from, epochs);
  const trainable = net.spec.params.filter((p) => p.trainable).map((p) => p.name);
  for (let epoch = state.epoch + 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    const lr = learningRate(run.recipe, state.settings.lr, epoch);
    const { loss, accuracy } = await trainOneEpoch(run, epoch, lr);
    const same = await collapsedLogits(net, run.train, state.settings.batch);
    if (same) throw new TrainingDiverged(diverged(run, `after epoch ${epoch} the first ${Math.min(state.settings.batch, run.train.count)} training images all get the same logits (${[...same].map((v) => Number(v.toPrecision(4))).join(', ')}): the output no longer depends on the input, as when the ReLU before squeezenet's classifier outputs zero everywhere ("dead"), which passes no gradient and does not recover (learning rate ${lr})`));
    const averaged = from !== null && epoch === epochs;
    if (from !== null && epoch >= from) {
      state.average = { from, count: (state.average?.count ?? 0) + 1 };
      addToAverage(run.average, await net.exportWeights(), trainable, state.average.count);
      if (averaged) net.loadWeights(run.average);
    }
    // Only the weights that get scored need them: each epoch's when validating, else the last. An average has no moving ones.
    if ((state.settings.bnStatistics === 'population' || averaged) && (run.val || epoch === epochs)) estimatePopulationStatistics(net, run.train, state.settings.batch);
    const val = run.val && (await predictSet(net, run.val, state.settings.batch));
    if (val && !Number.isFinite(val.loss)) throw new TrainingDiverged(diverged(run, `the validation loss is ${val.loss} after epoch ${epoch} (learning rate ${lr})`));
    const metrics = run.val && val && binaryMetrics(run.val.labels, val.pCovid);
    const weights = await net.exportWeights();
    // The last step's update and the BN statistics reach no loss: a value gone NaN there shows only here.
    const broken = [...weights].find(([, data]) => !data.every(Number.isFinite));
    if (broken) throw new TrainingDiverged(diverged(run, `after epoch ${epoch} ${broken[0]} holds ${broken[1].find((v) => !Number.isFinite(v))} (learning rate ${lr})`));
    const selected = from !== null ? averaged : !state.best || (metrics?.accuracy ?? 0) > (state.best.metrics.accuracy ?? 0);
    if (metrics && selected) {
      state.best = { epoch, metrics };
      run.bestWeights = weights;
    }
    const seconds = (performance.now() - started) / 1000;
    const line: EpochLog = { epoch, loss, accuracy, valAccuracy: metrics ? metrics.accuracy : null, valLoss: val ? val.loss : null, lr, seconds };
    state.epoch = epoch;
    state.seconds += seconds;
    state.log.push(line);
    await saveCheckpoint(run.checkpointDir, net.spec, { state, weights, velocities: await sgd.exportVelocities(), bestWeights: run.bestWeights, average: run.average });
    if (run.logFile) await writeFileAtomic(run.logFile, state.log.map((l) => `${JSON.stringify(l)}\n`).join(''));
    run.onEpoch?.(line);
  }
}

const whiteBinsCache = new WeakMap<ImageSet, Uint8Array>();
const whiteBinsOf = (set: ImageSet): Uint8Array => whiteBinsCache.get(set) ?? whiteBinsCache.set(set, whiteBins(set.x, set.count, set.size)).get(set)!;

/** One pass over the shuffled training images: mean loss and accuracy of its steps. */
async function trainOneEpoch(run: TrainingRun, epoch: number, lr: number): Promise<{ loss: number; accuracy: number }> {
  const { net, sgd, train } = run;
  const { seed, batch, momentum, weightDecay } = run.state.settings;
  const [channels, size] = net.spec.inputShape;
  const steps = stepsPerEpoch(run);
  const order = run.recipe.sampling === 'white-balanced' ? balancedOrder(seed, epoch, train.labels, whiteBinsOf(train)) : epochOrder(seed, epoch, train.count);
  const prepare = (step: number) => stepBatch(run, epoch, step, order.slice((step - 1) * batch, step * batch));
  let next = prepare(1);
  let lossSum = 0;
  let correct = 0;
  let rows = 0;
  for (let step = 1; step <= steps; step++) {
    const { count, x, labels, lossOptions } = next;
    const xT = net.backend.tensor([count, channels, size, size], x);
    const pending = trainStep(net, sgd, xT, labels, run.classWeights, { lr, momentum, weightDecay }, dropoutSeed(seed, epoch, step), lossOptions);
    // The next batch is augmented on the host while a GPU runs this step (a CPU step is done by now).
    if (step < steps) next = prepare(step + 1);
    const { loss, probs } = await pending;
    xT.dispose();
    if (!Number.isFinite(loss)) throw new TrainingDiverged(diverged(run, `the loss is ${loss} at epoch ${epoch}, step ${step} of ${steps} (learning rate ${lr})`));
    lossSum += loss * count;
    correct += correctRows(probs, labels);
    rows += count;
    run.onStep?.(`epoch ${epoch} step ${step}/${steps} loss ${loss.toFixed(4)}`);
  }
  return { loss: lossSum / rows, accuracy: correct / rows };
}

/** A step's input: the picked images augmented (or a pretext task's batch made from them, or mixed by mixup), their labels and the loss's options. */
function stepBatch(run: TrainingRun, epoch: number, step: number, picked: number[]) {
  const { train, recipe, state: { settings: { seed } } } = run;
  const [channels, size] = run.net.spec.inputShape;
  const rng = augmentRandom(seed, epoch, step);
  const augment = () => augmentBatch(train, picked, channels, recipe.augment, rng);
  const pretext = run.pretext?.(augment, picked.length, rng);
  const { x, labels } = pretext ?? { x: augment(), labels: Float32Array.from(picked, (image) => train.labels[image]) };
  const mix = recipe.mixup > 0 ? planMix(mixupRandom(seed, epoch, step), recipe.mixup, picked.length) : null;
  const lossOptions = pretext?.loss ?? { labelSmoothing: recipe.labelSmoothing, ...(mix ? { mix: { lambda: mix.lambda, partnerLabels: Float32Array.from(mix.partner, (p) => labels[p]) } } : {}) };
  return { count: labels.length, x: mix ? mixImages(x, channels * size * size, mix) : x, labels, lossOptions };
}

/** How many rows of probs put their largest value (the first of equals) at the row's label. */
function correctRows(probs: Float32Array, labels: Float32Array): number {
  const classes = probs.length / labels.length;
  let correct = 0;
  labels.forEach((label, i) => {
    const row = probs.subarray(i * classes, (i + 1) * classes);
    if (row.indexOf(Math.max(...row)) === label) correct++;
  });
  return correct;
}

/** Why the run stopped; the checkpoint of the last good epoch, if any, is left as it was. */
function diverged(run: TrainingRun, what: string): string {
  const done = run.state.epoch;
  const kept = done > 0 ? `the checkpoint after epoch ${done} is kept in ${checkpointPath(run.checkpointDir)}` : 'no epoch had completed, so this run wrote no checkpoint';
  return `training stopped: ${what}; ${kept}. Try a lower --lr.`;
}
