import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { checkpointPath } from '../../src/train/checkpoint.ts';
import { loadImageSet } from '../../src/train/image-set.ts';
import { collapsedLogits } from '../../src/train/output-collapse.ts';
import { PAPER_RECIPE } from '../../src/train/recipe.ts';
import { Sgd } from '../../src/train/train-step.ts';
import { TrainingDiverged, trainEpochs } from '../../src/train/trainer.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { tempDir } from './cli.ts';

const FILES = ['COVID/2020.01.24.919183-p27-132.png', 'COVID/2020.02.10.20021584-p6-52_0.png', 'NonCOVID/1062.png', 'NonCOVID/102.png'];

async function slices() {
  const entries = FILES.map((file) => ({ path: `${COVID_CT_IMAGES}/${file}`, label: file.split('/')[0] as 'COVID' | 'NonCOVID' }));
  return (await loadImageSet(entries, { size: 32, strict: true })).set;
}

/** squeezenet at 32, its classifier's ReLU dead for any input when `dead`. */
function squeezenet(backend: CpuBackend, dead: boolean) {
  const spec = buildNet('squeezenet', { size: 32 });
  const weights = initialWeights(spec, 1);
  if (dead) weights.get('classifier.bias')!.fill(-1e3);
  return netFromWeights(spec, backend, weights);
}

describe('collapsedLogits (cpu)', () => {
  it('gives the shared logits of a net whose classifier ReLU is dead', async () => {
    const backend = new CpuBackend();
    expect([...(await collapsedLogits(squeezenet(backend, true), await slices(), 4))!]).toEqual([0, 0]);
    backend.dispose();
  });

  it('gives null for a live net, and for fewer than two images', async () => {
    const backend = new CpuBackend();
    const set = await slices();
    expect(await collapsedLogits(squeezenet(backend, false), set, 4)).toBeNull();
    expect(await collapsedLogits(squeezenet(backend, true), set, 1)).toBeNull();
    backend.dispose();
  });
});

describe('training stops when the output no longer depends on the input (cpu)', () => {
  it('names the epoch and the shared logits, and writes no checkpoint for that epoch', async () => {
    const backend = new CpuBackend();
    const net = squeezenet(backend, true);
    const settings = { net: 'squeezenet', size: 32, seed: 1, batch: 2, recipe: 'paper', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dropout: 0.5, bnStatistics: 'moving' as const, root: '', trainList: null, valList: null, limit: null };
    const checkpointDir = tempDir('collapse-');
    const run = trainEpochs({ net, sgd: new Sgd(net), recipe: PAPER_RECIPE, train: await slices(), classWeights: Float32Array.of(1, 1), state: { settings, epoch: 0, best: null, log: [], seconds: 0 }, bestWeights: new Map(), average: new Map(), checkpointDir }, 2);
    await expect(run).rejects.toThrow(TrainingDiverged);
    await expect(run).rejects.toThrow(/training stopped: after epoch 1 the first 2 training images all get the same logits \(0, 0\): the output no longer depends on the input.*no epoch had completed/);
    expect(existsSync(checkpointPath(checkpointDir))).toBe(false);
    backend.dispose();
  });
});

describe('training stops when a weight or BN statistic is no longer finite, which no loss shows (cpu)', () => {
  it('names the epoch and the tensor, and writes no checkpoint for that epoch', async () => {
    const backend = new CpuBackend();
    const spec = buildNet('light-cnn', { size: 32 });
    const weights = initialWeights(spec, 1);
    weights.get('fire2.bn.running_mean')!.fill(Number.NaN); // training normalises by batch statistics: the loss stays finite
    const net = netFromWeights(spec, backend, weights);
    const settings = { net: 'light-cnn', size: 32, seed: 1, batch: 2, recipe: 'paper', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dropout: 0.5, bnStatistics: 'moving' as const, root: '', trainList: null, valList: null, limit: null };
    const checkpointDir = tempDir('nan-weights-');
    const run = trainEpochs({ net, sgd: new Sgd(net), recipe: PAPER_RECIPE, train: await slices(), classWeights: Float32Array.of(1, 1), state: { settings, epoch: 0, best: null, log: [], seconds: 0 }, bestWeights: new Map(), average: new Map(), checkpointDir }, 2);
    await expect(run).rejects.toThrow(/training stopped: after epoch 1 fire2\.bn\.running_mean holds NaN \(learning rate 0\.01\)/);
    expect(existsSync(checkpointPath(checkpointDir))).toBe(false);
    backend.dispose();
  });
});
