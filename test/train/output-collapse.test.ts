import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { checkpointPath } from '../../src/train/checkpoint.ts';
import { loadImageSet } from '../../src/train/image-set.ts';
import { OutputCollapse } from '../../src/train/output-collapse.ts';
import { PAPER_RECIPE } from '../../src/train/recipe.ts';
import { Sgd } from '../../src/train/train-step.ts';
import { TrainingDiverged, trainEpochs } from '../../src/train/trainer.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { tempDir } from './cli.ts';

describe('OutputCollapse', () => {
  it('reports the shared row when every row of every step was the same', () => {
    const watch = new OutputCollapse();
    watch.see(Float32Array.of(0.5, 0.5, 0.5, 0.5), 2);
    watch.see(Float32Array.of(0.5, 0.5), 2);
    expect([...watch.collapsedTo!]).toEqual([0.5, 0.5]);
  });

  it('reports nothing once one value of one row differs, even in a later step', () => {
    const watch = new OutputCollapse();
    watch.see(Float32Array.of(0.3, 0.7, 0.3, 0.7), 2);
    watch.see(Float32Array.of(0.3, 0.7, 0.3, 0.70001), 2);
    watch.see(Float32Array.of(0.3, 0.7), 2);
    expect(watch.collapsedTo).toBeNull();
  });

  it('says nothing when the shared row is saturated: the logits behind a 0 or a 1 may still differ', () => {
    const watch = new OutputCollapse();
    watch.see(Float32Array.of(0, 1, 0, 1), 2);
    expect(watch.collapsedTo).toBeNull();
  });

  it('says nothing from a single row', () => {
    const watch = new OutputCollapse();
    watch.see(Float32Array.of(0.5, 0.5), 2);
    expect(watch.collapsedTo).toBeNull();
  });
});

describe('training stops when the output no longer depends on the input (cpu)', () => {
  it('names the epoch and the shared probabilities, and writes no checkpoint for that epoch', async () => {
    const files = ['COVID/2020.01.24.919183-p27-132.png', 'COVID/2020.02.10.20021584-p6-52_0.png', 'NonCOVID/1062.png', 'NonCOVID/102.png'];
    const entries = files.map((file) => ({ path: `${COVID_CT_IMAGES}/${file}`, label: file.split('/')[0] as 'COVID' | 'NonCOVID' }));
    const train = (await loadImageSet(entries, { size: 32, strict: true })).set;
    const spec = buildNet('squeezenet', { size: 32 });
    const weights = initialWeights(spec, 1);
    weights.get('classifier.bias')!.fill(-1e3); // the classifier's ReLU outputs zero for any input: dead
    const backend = new CpuBackend();
    const net = netFromWeights(spec, backend, weights);
    const settings = { net: 'squeezenet', size: 32, seed: 1, batch: 2, recipe: 'paper', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dropout: 0.5, bnStatistics: 'moving' as const, root: '', trainList: null, valList: null, limit: null };
    const checkpointDir = tempDir('collapse-');
    const run = trainEpochs({ net, sgd: new Sgd(net), recipe: PAPER_RECIPE, train, classWeights: Float32Array.of(1, 1), state: { settings, epoch: 0, best: null, log: [], seconds: 0 }, bestWeights: new Map(), checkpointDir }, 2);
    await expect(run).rejects.toThrow(TrainingDiverged);
    await expect(run).rejects.toThrow(/training stopped: every training image of epoch 1 got the same probabilities \(0\.5000, 0\.5000\): the output no longer depends on the input.*no epoch had completed/);
    expect(existsSync(checkpointPath(checkpointDir))).toBe(false);
    backend.dispose();
  });
});
