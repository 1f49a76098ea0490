import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../nets/atomic-write.ts';
import { buildNet } from '../nets/index.ts';
import { initialWeights, netFromWeights } from '../nets/init.ts';
import { initFrom } from '../nets/init-from.ts';
import { encodeModel } from '../nets/model-format.ts';
import { SHIPPED_RECIPE } from '../nets/shipped-models.ts';
import { createBackend } from '../runtime/create-backend.ts';
import { checkpointPath, checkResumable, resumeCheckpoint } from '../train/checkpoint.ts';
import { recipeClassWeights } from '../train/class-weights.ts';
import { CLASS_NAMES } from '../train/data/classes.ts';
import { PREPROCESSING } from '../train/data/preprocess.ts';
import { listTrainVal, resolveDataDir } from '../train/data-source.ts';
import { recipeByName, type Recipe } from '../train/recipe.ts';
import { Sgd } from '../train/train-step.ts';
import { stepsPerEpoch, trainEpochs, type TrainingRun } from '../train/trainer.ts';
import type { RunSettings, TrainingState } from '../train/training-state.ts';
import { backendFlag } from './backend-flag.ts';
import { bnStatsFlag, bnStatsHelp } from './bn-stats-flag.ts';
import { loadImagesReporting } from './load-images.ts';
import { HYPERPARAMETER_RULES, numberFlag } from './number-flag.ts';
import { outputFile } from './output-file.ts';
import { Progress } from './progress.ts';
import { sizeFlag } from './size-flag.ts';

export const TRAIN_HELP = `covid-ct train --data DIR [--train-list FILE] [--val-list FILE] [--net light-cnn] [--recipe ${SHIPPED_RECIPE}]
                [--epochs 20] [--batch 16] [--size 224] [--lr 0.01] [--momentum 0.9] [--l2 1e-4] [--dropout 0.5] [--seed 1]
                [--bn-stats population] [--backend auto] [--out runs/NET.safetensors] [--checkpoint-dir checkpoints/NAME] [--resume]
                [--log FILE.jsonl] [--limit N] [--init FILE]
  Trains with SGD (momentum, L2 as weight decay), the learning rate × 0.8 every 5 epochs and
  class weights w = N / (2 · n_class) in the loss; every training image is augmented at every
  step as the recipe says. By default the shipped model's recipe, ${SHIPPED_RECIPE}: whole
  slices augmented by quarter turns and mirroring alone; --recipe paper reproduces the paper
  (rotation 0–90°, zoom 1.1–1.3, Gaussian noise σ 0.05 normalised units). Images are decoded
  once and kept in memory. After every epoch the validation images are scored and a checkpoint
  is written; the output model holds the weights of the best validation accuracy.
  A NaN or infinite loss, or an epoch after which the net gives its first training images one and
  the same output (a dead ReLU before squeezenet's classifier), stops the run and keeps the last
  good checkpoint.
  --data       the data set folder (images/ and splits/train.txt, splits/val.txt) or a folder
               of COVID/ and NonCOVID/ folders, with --train-list and --val-list (CLASS/file lines)
  --recipe     augmentation and SGD defaults; flags override them. A+B: an ensemble, one
               model per recipe trained in turn with the same flags, to OUT-A.safetensors and
               OUT-B.safetensors (checkpoints in CHECKPOINT_DIR/A, logs LOG-A.jsonl); predict,
               eval and the viewer take it as --model OUT-A.safetensors,OUT-B.safetensors.
               paper: the paper's (above);
               robust: the paper's plus quarter turns, mirroring, zoom 1.0–1.4, shifts of up to
               8%, contrast 0.75–1.33 and gamma 0.7–1.4; robust-crop: robust on slices cropped
               to the body (the model records the crop; predict, eval and the viewer apply it);
               robust-smooth: robust with label smoothing 0.1; robust-mixup: robust with
               mixup (α 0.2); robust-norm: robust with each slice standardised by its own
               mean and std (recorded in the model); robust-white: robust with half of the
               slices' bright parts turned white (white level 0.5–0.9); robust-lungs: robust on
               the lungs alone (cropped to them, the rest of the body black; recorded in the model);
               robust-rank: robust with each slice histogram-equalised (recorded in the model);
               robust-balanced: robust drawing each epoch's slices with replacement so that both
               classes are equally common at every white share of the body (unweighted loss);
               paper-unaugmented: paper with no augmentation; mild: paper with quarter turns,
               mirroring, rotations of ±10°, zoom 1.0–1.2 and shifts of up to 5%; turns:
               paper with quarter turns, mirroring and zoom 1.0–1.25 as its only augmentation;
               zoom: paper with zoom 1.0–1.25 as its only augmentation; paper-unaugmented-crop:
               paper-unaugmented on slices cropped to the body (recorded in the model); dihedral:
               paper with quarter turns and mirroring as its only augmentation; dihedral-crop:
               dihedral on slices cropped to the body (recorded in the model); dihedral-lung-box:
               dihedral on slices cut to the lungs' bounding box, nothing masked (recorded);
               paper-unaugmented-lung-box: paper-unaugmented on the lungs' box (recorded);
               dihedral-smooth: dihedral with label smoothing 0.1; dihedral-mixup: dihedral with
               mixup α 0.2; dihedral-swa and dihedral-lung-box-swa: those two with their weights
               averaged over the last 10 epochs
  --net        light-cnn (the paper's proposed net), squeezenet or squeezenet-bypass (its two
               baselines: SqueezeNet 1.1 without and with the simple bypass; their classifier's
               ReLU dies at the recipe's lr 0.01: squeezenet trains at --lr 0.0003, the bypass
               died there too)
  --size       input size (a multiple of 16), recorded in the model
  --dropout    the rate of the dropout before the classifier, in [0, 1) (default the recipe's, 0.5)
${bnStatsHelp(15)}
  --resume     go on from the checkpoint after a kill, with the same settings (--epochs may grow,
               --backend may change), giving the weights an uninterrupted run would have; without
               --resume an existing checkpoint is refused, not overwritten
  --log        one JSON line per epoch: epoch, loss, accuracy, valAccuracy, valLoss, lr, seconds
  --limit N    only the first N images of each class of each split (smoke tests)
  --init FILE  start every layer but the classifier (which starts fresh) from FILE (covid-ct pretrain);
               recorded in the model. FILE's pretext task saw the validation slices, not their labels`;

const OPTIONS = {
  data: { type: 'string' },
  'train-list': { type: 'string' },
  'val-list': { type: 'string' },
  net: { type: 'string', default: 'light-cnn' },
  recipe: { type: 'string', default: SHIPPED_RECIPE },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  size: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  l2: { type: 'string' },
  dropout: { type: 'string' },
  'bn-stats': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string', default: 'auto' },
  out: { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  resume: { type: 'boolean', default: false },
  log: { type: 'string' },
  limit: { type: 'string' },
  init: { type: 'string' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];

function runSettings(flags: Flags, recipe: Recipe): RunSettings {
  if (!flags.data) throw new Error(`--data DIR is required\n${TRAIN_HELP}`);
  const data = resolveDataDir(flags.data);
  const trainList = flags['train-list'] ?? data.trainList;
  const valList = flags['val-list'] ?? data.valList;
  if (!trainList || !valList) {
    throw new Error(`--data ${flags.data} has no splits/train.txt and splits/val.txt: give --train-list and --val-list (model selection needs a validation split)`);
  }
  const limit = flags.limit === undefined ? null : numberFlag('limit', flags.limit, 0, { integer: true, min: 1 });
  return {
    net: flags.net,
    size: sizeFlag(flags.size),
    seed: numberFlag('seed', flags.seed, 1, { integer: true, min: 0, below: 2 ** 32 }),
    batch: numberFlag('batch', flags.batch, recipe.batch, { integer: true, min: 1 }),
    recipe: recipe.name,
    lr: numberFlag('lr', flags.lr, recipe.sgd.lr, HYPERPARAMETER_RULES.lr),
    momentum: numberFlag('momentum', flags.momentum, recipe.sgd.momentum, HYPERPARAMETER_RULES.momentum),
    weightDecay: numberFlag('l2', flags.l2, recipe.sgd.weightDecay, HYPERPARAMETER_RULES.l2),
    dropout: numberFlag('dropout', flags.dropout, recipe.dropout, HYPERPARAMETER_RULES.dropout),
    bnStatistics: bnStatsFlag(flags['bn-stats']),
    root: data.root,
    trainList,
    valList,
    limit,
    ...(flags.init ? { init: flags.init } : {}),
  };
}

/** Where one training run writes: its model, checkpoints and log; `member`: a model of an ensemble recipe. */
interface RunFiles {
  out: string;
  checkpointDir: string;
  log?: string;
  member?: boolean;
}

export async function trainCommand(argv: string[]): Promise<void> {
  const { values: flags } = parseArgs({ args: argv, options: OPTIONS });
  const recipes = flags.recipe.split('+').map(recipeByName);
  const out = outputFile('out', flags.out ?? join('runs', `${flags.net}.safetensors`));
  const checkpointDirOf = (model: string) => join('checkpoints', basename(model, '.safetensors'));
  if (recipes.length === 1) return trainRun(flags, argv, recipes[0], { out, checkpointDir: flags['checkpoint-dir'] ?? checkpointDirOf(out), log: flags.log });
  const named = (path: string, extension: string, name: string) => `${path.endsWith(extension) ? path.slice(0, -extension.length) : path}-${name}${extension}`;
  const members = recipes.map((recipe) => {
    const model = named(out, '.safetensors', recipe.name);
    const checkpointDir = flags['checkpoint-dir'] ? join(flags['checkpoint-dir'], recipe.name) : checkpointDirOf(model);
    return { recipe, files: { out: model, checkpointDir, log: flags.log && named(flags.log, '.jsonl', recipe.name), member: true } };
  });
  // A later member's old run is refused before the first member trains, not after.
  if (!flags.resume) for (const { files } of members) checkResumable(files.checkpointDir, false, 0, undefined);
  for (const [i, { recipe, files }] of members.entries()) {
    console.error(`ensemble member ${i + 1} of ${recipes.length}: recipe ${recipe.name}`);
    await trainRun(flags, argv, recipe, files);
  }
  console.log(`an ensemble of ${members.length}: --model ${members.map(({ files }) => files.out).join(',')}`);
}

async function trainRun(flags: Flags, argv: string[], recipe: Recipe, files: RunFiles): Promise<void> {
  const backendChoice = backendFlag(flags.backend);
  const settings = runSettings(flags, recipe);
  const epochs = numberFlag('epochs', flags.epochs, recipe.epochs, { integer: true, min: 1 });
  const spec = buildNet(settings.net, { size: settings.size, dropout: settings.dropout });
  const { out, checkpointDir } = files;
  // An ensemble resumed after a kill: the members not begun then start now.
  const resume = flags.resume === true && (!files.member || existsSync(checkpointPath(checkpointDir)));
  const checkpoint = resume ? await resumeCheckpoint(checkpointDir, settings) : undefined;
  checkResumable(checkpointDir, resume, epochs, checkpoint);
  const init = !checkpoint && settings.init ? await initFrom(settings.init, spec, settings.seed) : undefined;
  if (init) console.error(init.report);

  const listed = await listTrainVal(settings.root, settings.trainList!, settings.valList!, settings.limit ?? undefined);
  if (listed.sameList) console.error('--val-list is the training list: validation scores the fit, not unseen slices');
  const train = await loadImagesReporting('training images', listed.train, { size: settings.size, crop: recipe.crop, normalise: recipe.normalise });
  const val = await loadImagesReporting('validation images', listed.val, { size: settings.size, crop: recipe.crop, normalise: recipe.normalise });
  const classWeights = recipeClassWeights(recipe, train.labels);
  for (const dir of [checkpointDir, dirname(out), ...(files.log ? [dirname(files.log)] : [])]) await mkdir(dir, { recursive: true });

  const backend = await createBackend(backendChoice, { notice: (line) => console.error(line) });
  const net = netFromWeights(spec, backend, checkpoint?.weights ?? init?.weights ?? initialWeights(spec, settings.seed));
  const sgd = new Sgd(net);
  if (checkpoint) sgd.importVelocities(checkpoint.velocities);
  const state: TrainingState = checkpoint?.state ?? { settings, epoch: 0, best: null, log: [], seconds: 0 };
  const run: TrainingRun = {
    net, sgd, recipe, train, val, classWeights, state, checkpointDir,
    bestWeights: checkpoint?.bestWeights ?? new Map(),
    average: checkpoint?.average ?? new Map(),
    logFile: files.log,
  };
  console.error(`training ${settings.net} at ${settings.size}×${settings.size} on ${backend.description}: ${train.count} training and ${val.count} validation images, class weights ${[...classWeights].map((w) => w.toFixed(3)).join('/')}${checkpoint ? `, resuming after epoch ${state.epoch}` : ''}`);
  const progress = new Progress(Math.max(epochs - state.epoch, 0) * stepsPerEpoch(run));
  run.onStep = (label) => progress.tick(label);
  run.onEpoch = (l) => console.error(`epoch ${l.epoch}: loss ${l.loss.toFixed(4)}, accuracy ${l.accuracy.toFixed(3)}, val accuracy ${l.valAccuracy?.toFixed(3)}, val loss ${l.valLoss?.toFixed(4)}, lr ${Number(l.lr.toPrecision(6))}, ${l.seconds.toFixed(1)} s`);
  try {
    await trainEpochs(run, epochs);
  } finally {
    sgd.dispose();
    net.dispose();
    backend.dispose();
  }

  const best = state.best!;
  await writeFileAtomic(out, encodeModel(spec, run.bestWeights, {
    net: settings.net,
    inChannels: spec.inputShape[0],
    inputSize: settings.size,
    preprocessing: { ...PREPROCESSING, size: settings.size, crop: recipe.crop, normalise: recipe.normalise },
    classNames: [...CLASS_NAMES],
    training: {
      command: ['covid-ct', 'train', ...argv].join(' '),
      ...settings,
      epochs: state.epoch,
      bestEpoch: best.epoch,
      val: best.metrics,
      classWeights: [...classWeights],
      trainImages: train.count,
      valImages: val.count,
      seconds: Math.round(state.seconds),
      date: new Date().toISOString(),
    },
  }));
  const which = state.average ? `the average of epochs ${state.average.from}–${state.epoch}` : `epoch ${best.epoch} of ${state.epoch}`;
  console.log(`${out}: ${which}, validation accuracy ${best.metrics.accuracy?.toFixed(4)}`);
}
