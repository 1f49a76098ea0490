import { describe, expect, it } from 'vitest';
import { withClasses } from '../../src/nets/classifier.ts';
import { buildNet } from '../../src/nets/index.ts';
import { createNet, initialWeights, netFromWeights } from '../../src/nets/init.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { contrastiveBatch, PROJECTION_DIMS } from '../../src/train/contrastive-batch.ts';
import { loadImageSet } from '../../src/train/image-set.ts';
import { pretrainEpochs } from '../../src/train/pretrain.ts';
import { quarterTurn } from '../../src/train/rotation-batch.ts';
import { Sgd, trainStep } from '../../src/train/train-step.ts';
import type { EpochLog } from '../../src/train/training-state.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { webgpuForTests } from '../harness/webgpu.ts';
import { tempDir } from './cli.ts';

const FILES = ['COVID/2020.01.24.919183-p27-132.png', 'NonCOVID/102.png'];
const SGD = { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 };
const projectionNet = (size: number) => withClasses(buildNet('light-cnn', { size, dropout: 0 }), PROJECTION_DIMS);

async function realImages(size: number) {
  const entries = FILES.map((file) => ({ path: `${COVID_CT_IMAGES}/${file}`, label: file.split('/')[0] as 'COVID' | 'NonCOVID' }));
  return (await loadImageSet(entries, { size, strict: true })).set;
}

/** The two slices as they are (rows 0, 1), then turned a quarter (rows 2, 3): each row's pair is two rows away. */
async function twoViewBatch() {
  const set = await realImages(32);
  const turned = [0, 1].flatMap((i) => [...quarterTurn(set.x.subarray(i * 1024, (i + 1) * 1024), 32, 1)]);
  return { x: Float32Array.from([...set.x, ...turned]), labels: Float32Array.of(2, 3, 0, 1) };
}

describe('contrastiveBatch', () => {
  it('stacks two fresh augmentations of the picked images, each row labelled with its pair', () => {
    let calls = 0;
    const augment = () => {
      calls++;
      return Float32Array.from({ length: 6 }, (_, i) => 10 * calls + i); // 3 images of 2 values a call
    };
    const batch = contrastiveBatch(augment, 3, 0.2);
    expect(calls).toBe(2);
    expect([...batch.x]).toEqual([10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25]);
    expect([...batch.labels]).toEqual([3, 4, 5, 0, 1, 2]);
    expect(batch.loss).toEqual({ contrastive: { temperature: 0.2 } });
  });
});

describe('contrastive training steps', () => {
  it('drive NT-Xent down on a fixed batch of 2 real slices in two views each (light-cnn with a 128-wide projection, cpu)', async () => {
    const { x, labels } = await twoViewBatch();
    const backend = new CpuBackend();
    const net = createNet(projectionNet(32), backend, 2);
    const sgd = new Sgd(net);
    const xT = backend.tensor([4, 1, 32, 32], x);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const { loss, probs } = await trainStep(net, sgd, xT, labels, new Float32Array(0), SGD, step, { contrastive: { temperature: 0.5 } });
      expect(probs.length).toBe(16);
      losses.push(loss);
    }
    expect((losses[18] + losses[19]) / 2).toBeLessThan(0.5 * ((losses[0] + losses[1]) / 2));
    backend.dispose();
  });

  it('are the same on webgpu as on the cpu: loss, probabilities and updated weights', async () => {
    const { x, labels } = await twoViewBatch();
    const spec = projectionNet(32);
    const weights = initialWeights(spec, 4);
    const step = async (backend: Backend) => {
      const net = netFromWeights(spec, backend, weights);
      const xT = backend.tensor([4, 1, 32, 32], x);
      const result = await trainStep(net, new Sgd(net), xT, labels, new Float32Array(0), SGD, 0, { contrastive: { temperature: 0.5 } });
      const after = await net.exportWeights();
      backend.dispose();
      return { ...result, fc: after.get('fc.weight')!, conv1: after.get('conv1.weight')! };
    };
    const [cpu, gpu] = [await step(new CpuBackend()), await step(await webgpuForTests())];
    expect(gpu.loss).toBeCloseTo(cpu.loss, 4);
    gpu.probs.forEach((p, i) => expect(p).toBeCloseTo(cpu.probs[i], 4));
    for (const name of ['fc', 'conv1'] as const) {
      const moved = cpu[name].reduce((m, v, i) => Math.max(m, Math.abs(v - weights.get(`${name}.weight`)![i])), 0);
      const apart = gpu[name].reduce((m, v, i) => Math.max(m, Math.abs(v - cpu[name][i])), 0);
      expect(moved).toBeGreaterThan(1e-5);
      expect(apart).toBeLessThan(0.01 * moved);
    }
  });

  it('pretrainEpochs logs the pair accuracy over both views and repeats itself for a seed', async () => {
    const images = await realImages(32);
    const run = async () => {
      const backend = new CpuBackend();
      const net = createNet(projectionNet(32), backend, 1);
      const settings = { net: 'light-cnn', size: 32, seed: 5, batch: 2, recipe: 'contrastive-pretext', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dropout: 0, bnStatistics: 'moving' as const, root: '', trainList: null, valList: null, limit: null };
      const state = { settings, epoch: 0, best: null, log: [], seconds: 0 };
      await pretrainEpochs({ net, sgd: new Sgd(net), images, pretext: { kind: 'contrastive', temperature: 0.5 }, state, checkpointDir: tempDir('contrastive-') }, 2);
      const weights = await net.exportWeights();
      backend.dispose();
      return { log: state.log.map((l: EpochLog) => ({ ...l, seconds: 0 })), weights };
    };
    const [a, b] = [await run(), await run()];
    expect(a.log.length).toBe(2);
    // one step of 2 slices: 4 views, each right or wrong about its pair
    for (const { loss, accuracy } of a.log) expect(loss > 0 && Number.isFinite(loss) && accuracy * 4 === Math.round(accuracy * 4)).toBe(true);
    expect(b.log).toEqual(a.log);
    expect(b.weights.get('conv1.weight')).toEqual(a.weights.get('conv1.weight'));
  });
});
