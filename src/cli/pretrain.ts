import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { withClasses } from '../nets/classifier.ts';
import { buildNet } from '../nets/index.ts';
import { createNet } from '../nets/init.ts';
import { saveModelFile } from '../nets/model-file.ts';
import { createBackend, type BackendChoice } from '../runtime/create-backend.ts';
import { PREPROCESSING } from '../train/data/preprocess.ts';
import { listImages, resolveDataDir } from '../train/data-source.ts';
import { pretrainEpochs } from '../train/pretrain.ts';
import { PAPER_RECIPE } from '../train/recipe.ts';
import { QUARTER_TURNS } from '../train/rotation-batch.ts';
import { Sgd } from '../train/train-step.ts';
import { loadImagesReporting } from './load-images.ts';
import { numberFlag } from './number-flag.ts';
import { Progress } from './progress.ts';
import { sizeFlag } from './size-flag.ts';

export const PRETRAIN_HELP = `covid-ct pretrain --data DIR [--train-list FILE] [--size 224] [--epochs 20] [--batch 16] [--lr 0.01]
                  [--seed 1] [--backend auto] [--out models/pretrained.safetensors] [--limit N]
  Self-supervised rotation prediction (Gidaris et al. 2018), for train --init and cv --init: each
  slice, label unused, gets the paper recipe's zoom and noise and a turn by k · 90° (k = 0–3, equally
  likely), and light-cnn with a 4-way classifier learns k (SGD as train). Writes a rotation-pretrained
  trunk. The slices: splits/train.txt and splits/val.txt (the pool cv deals into folds, so cv's
  held-out slices are among them, without labels), or --train-list FILE, or the class folders'.
  --limit N   only the first N images of each class of each list (smoke tests)`;

const OPTIONS = {
  data: { type: 'string' }, 'train-list': { type: 'string' }, size: { type: 'string' }, epochs: { type: 'string' },
  batch: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, limit: { type: 'string' },
  backend: { type: 'string', default: 'auto' }, out: { type: 'string', default: join('models', 'pretrained.safetensors') },
} as const;

export async function pretrainCommand(argv: string[]): Promise<void> {
  const { values: flags } = parseArgs({ args: argv, options: OPTIONS });
  if (!flags.data) throw new Error(`--data DIR is required\n${PRETRAIN_HELP}`);
  const data = resolveDataDir(flags.data);
  const settings = {
    size: sizeFlag(flags.size),
    epochs: numberFlag('epochs', flags.epochs, PAPER_RECIPE.epochs, { integer: true, min: 1 }),
    batch: numberFlag('batch', flags.batch, PAPER_RECIPE.batch, { integer: true, min: 1 }),
    seed: numberFlag('seed', flags.seed, 1, { integer: true, min: 0, below: 2 ** 32 }),
    sgd: { ...PAPER_RECIPE.sgd, lr: numberFlag('lr', flags.lr, PAPER_RECIPE.sgd.lr, { above: 0 }) },
    limit: flags.limit === undefined ? undefined : numberFlag('limit', flags.limit, 0, { integer: true, min: 1 }),
    lists: flags['train-list'] ? [flags['train-list']] : [data.trainList, data.valList].filter((list): list is string => list !== undefined),
  };
  const { size, seed, batch, epochs, limit, lists } = settings;
  const entries = lists.length ? (await Promise.all(lists.map((list) => listImages(data.root, { list, limit })))).flat() : await listImages(data.root, { limit });
  const images = await loadImagesReporting('pretraining images', entries, { size, crop: 'none', normalise: 'dataset' });
  await mkdir(dirname(flags.out), { recursive: true });
  const spec = withClasses(buildNet('light-cnn', { size }), QUARTER_TURNS.length);
  const backend = await createBackend(flags.backend as BackendChoice, { notice: (line) => console.error(line) });
  const net = createNet(spec, backend, seed);
  const sgd = new Sgd(net);
  console.error(`pretraining light-cnn at ${size}×${size} on ${backend.description} by rotation prediction: ${images.count} images, labels unused`);
  const progress = new Progress(epochs * Math.ceil(images.count / batch));
  const started = performance.now();
  try {
    const log = await pretrainEpochs({
      net, sgd, images, seed, batch, settings: settings.sgd,
      onStep: (label) => progress.tick(label),
      onEpoch: (epoch, { loss, accuracy }) => console.error(`epoch ${epoch}: loss ${loss.toFixed(4)}, rotation accuracy ${accuracy.toFixed(3)}`),
    }, epochs);
    const training = { pretext: 'rotation prediction: a rotation-pretrained trunk for --init, not a COVID classifier', command: ['covid-ct', 'pretrain', ...argv].join(' '), ...settings, root: data.root, images: images.count, log, seconds: Math.round((performance.now() - started) / 1000), date: new Date().toISOString() };
    const preprocessing = { ...PREPROCESSING, size, crop: 'none', normalise: 'dataset' };
    await saveModelFile(flags.out, net, { net: spec.name, inChannels: spec.inputShape[0], inputSize: size, preprocessing, classNames: [...QUARTER_TURNS], training });
    console.log(`${flags.out}: rotation-pretrained light-cnn trunk, ${epochs} epochs, loss ${log[epochs - 1].loss.toFixed(4)}, rotation accuracy ${log[epochs - 1].accuracy.toFixed(3)}`);
  } finally {
    sgd.dispose();
    net.dispose();
    backend.dispose();
  }
}
