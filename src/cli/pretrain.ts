import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { withClasses } from '../nets/classifier.ts';
import { buildNet } from '../nets/index.ts';
import { initialWeights, netFromWeights } from '../nets/init.ts';
import { saveModelFile } from '../nets/model-file.ts';
import { createBackend } from '../runtime/create-backend.ts';
import { checkResumable, resumeCheckpoint } from '../train/checkpoint.ts';
import { PREPROCESSING } from '../train/data/preprocess.ts';
import { listImages, resolveDataDir } from '../train/data-source.ts';
import { CONTRASTIVE_RECIPE, pretrainEpochs, PRETEXT_RECIPE, type Pretext } from '../train/pretrain.ts';
import { PROJECTION_DIMS } from '../train/contrastive-batch.ts';
import { PAPER_RECIPE } from '../train/recipe.ts';
import { QUARTER_TURNS } from '../train/rotation-batch.ts';
import { Sgd } from '../train/train-step.ts';
import type { RunSettings, TrainingState } from '../train/training-state.ts';
import { backendFlag } from './backend-flag.ts';
import { loadImagesReporting } from './load-images.ts';
import { HYPERPARAMETER_RULES, numberFlag } from './number-flag.ts';
import { outputFile } from './output-file.ts';
import { Progress } from './progress.ts';
import { sizeFlag } from './size-flag.ts';

export const PRETRAIN_HELP = `covid-ct pretrain --data DIR [--pretext rotation|contrastive] [--temperature 0.5] [--train-list FILE]
                  [--size 224] [--epochs 20] [--batch 16] [--lr 0.01] [--seed 1] [--backend auto]
                  [--out models/pretrained.safetensors] [--limit N] [--checkpoint-dir checkpoints/NAME] [--resume]
  Self-supervised pretraining of light-cnn's trunk, labels unused, for train --init and cv --init
  (SGD as train). --pretext rotation (the default; Gidaris et al. 2018): each slice gets the paper
  recipe's zoom and noise and a turn by k · 90° (k = 0–3, equally likely), and a 4-way classifier
  learns k; that net is also an orientation net for eval and predict --upright (64 × 64 is
  enough). --pretext contrastive (SimCLR, Chen et al. 2020): two views of each slice (the robust
  recipe's augmentation with zoom up to 2 and shifts up to 15%), a ${PROJECTION_DIMS}-wide projection
  in place of the classifier and no dropout; the NT-Xent loss at --temperature teaches the net which
  of the batch's 2 × --batch views are one slice's (its accuracy: how often a view's nearest is its
  pair). The slices: splits/train.txt and splits/val.txt (the pool cv deals into folds, so cv's
  held-out slices are among them, without labels), or --train-list FILE, or the class folders'.
  After every epoch a checkpoint is written to --checkpoint-dir (default: checkpoints/ and --out's
  name without .safetensors).
  --resume    go on from the checkpoint after a kill, with the same settings (--epochs may grow,
              --backend may change), giving the weights an uninterrupted run would have
  --limit N   only the first N images of each class of each list (smoke tests)`;

const OPTIONS = {
  data: { type: 'string' }, pretext: { type: 'string', default: 'rotation' }, temperature: { type: 'string' }, 'train-list': { type: 'string' }, size: { type: 'string' }, epochs: { type: 'string' },
  batch: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, limit: { type: 'string' },
  'checkpoint-dir': { type: 'string' }, resume: { type: 'boolean', default: false }, backend: { type: 'string', default: 'auto' },
  out: { type: 'string', default: join('models', 'pretrained.safetensors') },
} as const;

export async function pretrainCommand(argv: string[]): Promise<void> {
  const { values: flags } = parseArgs({ args: argv, options: OPTIONS });
  const backendChoice = backendFlag(flags.backend);
  if (!flags.data) throw new Error(`--data DIR is required\n${PRETRAIN_HELP}`);
  const data = resolveDataDir(flags.data);
  const pretext = pretextFlags(flags.pretext, flags.temperature);
  const head = pretextHead(pretext);
  const settings: RunSettings = {
    net: 'light-cnn', size: sizeFlag(flags.size), recipe: head.recipe, dropout: head.dropout,
    bnStatistics: 'moving', // fine-tuning re-estimates them
    ...PAPER_RECIPE.sgd, lr: numberFlag('lr', flags.lr, PAPER_RECIPE.sgd.lr, HYPERPARAMETER_RULES.lr),
    seed: numberFlag('seed', flags.seed, 1, { integer: true, min: 0, below: 2 ** 32 }),
    batch: numberFlag('batch', flags.batch, PAPER_RECIPE.batch, { integer: true, min: 1 }),
    limit: flags.limit === undefined ? null : numberFlag('limit', flags.limit, 0, { integer: true, min: 1 }),
    root: data.root, trainList: flags['train-list'] ?? data.trainList ?? null, valList: flags['train-list'] ? null : data.valList ?? null,
  };
  const { size, seed, batch } = settings;
  if (pretext.kind === 'contrastive' && batch < 2) throw new Error(`--batch ${batch}: the contrastive pretext needs at least 2 slices a step (the other slices' views are each view's negatives)`);
  const epochs = numberFlag('epochs', flags.epochs, PAPER_RECIPE.epochs, { integer: true, min: 1 });
  outputFile('out', flags.out);
  const checkpointDir = flags['checkpoint-dir'] ?? join('checkpoints', basename(flags.out, '.safetensors'));
  const checkpoint = flags.resume ? await resumeCheckpoint(checkpointDir, settings) : undefined;
  checkResumable(checkpointDir, flags.resume === true, epochs, checkpoint);
  const lists = [settings.trainList, settings.valList].filter((list): list is string => list !== null);
  const listed = (list?: string) => listImages(data.root, { list, limit: settings.limit ?? undefined });
  const entries = lists.length ? (await Promise.all(lists.map(listed))).flat() : await listed();
  const images = await loadImagesReporting('pretraining images', entries, { size, crop: 'none', normalise: 'dataset' });
  for (const dir of [dirname(flags.out), checkpointDir]) await mkdir(dir, { recursive: true });
  const spec = withClasses(buildNet('light-cnn', { size, dropout: settings.dropout }), head.classNames.length);
  const backend = await createBackend(backendChoice, { notice: (line) => console.error(line) });
  const net = netFromWeights(spec, backend, checkpoint?.weights ?? initialWeights(spec, seed));
  const sgd = new Sgd(net);
  if (checkpoint) sgd.importVelocities(checkpoint.velocities);
  const state: TrainingState = checkpoint?.state ?? { settings, epoch: 0, best: null, log: [], seconds: 0 };
  console.error(`pretraining light-cnn at ${size}×${size} on ${backend.description} by ${head.task}: ${images.count} images, labels unused${checkpoint ? `, resuming after epoch ${state.epoch}` : ''}`);
  const progress = new Progress(Math.max(epochs - state.epoch, 0) * Math.ceil(images.count / batch));
  try {
    await pretrainEpochs({
      net, sgd, images, pretext, state, checkpointDir,
      onStep: (label) => progress.tick(label),
      onEpoch: (l) => console.error(`epoch ${l.epoch}: loss ${l.loss.toFixed(4)}, ${pretext.kind} accuracy ${l.accuracy.toFixed(3)}, lr ${Number(l.lr.toPrecision(6))}, ${l.seconds.toFixed(1)} s`),
    }, epochs);
    const { log } = state;
    const training = { pretext: `${head.task}: a ${pretext.kind}-pretrained trunk for --init, not a COVID classifier`, command: ['covid-ct', 'pretrain', ...argv].join(' '), ...settings, epochs: state.epoch, images: images.count, log, seconds: Math.round(state.seconds), date: new Date().toISOString() };
    const preprocessing = { ...PREPROCESSING, size, crop: 'none', normalise: 'dataset' };
    await saveModelFile(flags.out, net, { net: spec.name, inChannels: spec.inputShape[0], inputSize: size, preprocessing, classNames: head.classNames, training });
    console.log(`${flags.out}: ${pretext.kind}-pretrained light-cnn trunk, ${state.epoch} epochs, loss ${log[state.epoch - 1].loss.toFixed(4)}, ${pretext.kind} accuracy ${log[state.epoch - 1].accuracy.toFixed(3)}`);
  } finally {
    sgd.dispose();
    net.dispose();
    backend.dispose();
  }
}

function pretextFlags(name: string | undefined, temperature: string | undefined): Pretext {
  if (name === 'rotation') {
    if (temperature !== undefined) throw new Error('--temperature is for --pretext contrastive only');
    return { kind: 'rotation' };
  }
  if (name === 'contrastive') return { kind: 'contrastive', temperature: numberFlag('temperature', temperature, 0.5, { above: 0 }) };
  throw new Error(`--pretext ${name}: not a pretext task (rotation, contrastive)`);
}

/** What the pretext task makes of the net and the run: its outputs, dropout, the settings' recipe (what --resume compares, the temperature included) and its name. */
function pretextHead(pretext: Pretext): { classNames: string[]; dropout: number; recipe: string; task: string } {
  if (pretext.kind === 'rotation') return { classNames: [...QUARTER_TURNS], dropout: PRETEXT_RECIPE.dropout, recipe: 'rotation-pretext', task: 'rotation prediction' };
  return {
    classNames: Array.from({ length: PROJECTION_DIMS }, (_, i) => `projection ${i + 1}`), dropout: CONTRASTIVE_RECIPE.dropout,
    recipe: `contrastive-pretext, temperature ${pretext.temperature}`, task: `contrastive learning (NT-Xent, temperature ${pretext.temperature})`,
  };
}
