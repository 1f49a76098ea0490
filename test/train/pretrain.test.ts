import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifierParams, withClasses } from '../../src/nets/classifier.ts';
import { buildNet } from '../../src/nets/index.ts';
import { createNet, initialWeights } from '../../src/nets/init.ts';
import { initFrom } from '../../src/nets/init-from.ts';
import { encodeModel } from '../../src/nets/model-format.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { augment } from '../../src/train/augment.ts';
import { loadImageSet } from '../../src/train/image-set.ts';
import { pretrainEpochs } from '../../src/train/pretrain.ts';
import { quarterTurn, rotationBatch } from '../../src/train/rotation-batch.ts';
import { Sgd, trainStep } from '../../src/train/train-step.ts';
import type { EpochLog } from '../../src/train/training-state.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { tempDir } from './cli.ts';

const IMAGE = Float32Array.from({ length: 9 }, (_, i) => i + 1); // [[1,2,3],[4,5,6],[7,8,9]]
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const FILES = ['COVID/2020.01.24.919183-p27-132.png', 'NonCOVID/102.png'];

async function realImages(size: number) {
  const entries = FILES.map((file) => ({ path: `${COVID_CT_IMAGES}/${file}`, label: file.split('/')[0] as 'COVID' | 'NonCOVID' }));
  return (await loadImageSet(entries, { size, strict: true })).set;
}

describe('quarter turns', () => {
  it('turn a 3 × 3 image counter-clockwise as displayed: one turn is the transpose flipped upside down', () => {
    expect([...quarterTurn(IMAGE, 3, 0)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...quarterTurn(IMAGE, 3, 1)]).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    expect([...quarterTurn(IMAGE, 3, 2)]).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect([...quarterTurn(IMAGE, 3, 3)]).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
    const twoChannels = Float32Array.from([...IMAGE, ...IMAGE.map((v) => -v)]);
    expect([...quarterTurn(twoChannels, 3, 1)]).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7, -3, -6, -9, -2, -5, -8, -1, -4, -7]);
  });

  it("turn as augment's 90° rotation does, on a 7 × 7 random image", () => {
    const image = new Random(3).normals(49);
    const rotated = augment(image, 1, 7, { rotationDegrees: [90, 90], scale: [1, 1], noiseStd: 0 }, new Random(0));
    quarterTurn(image, 7, 1).forEach((v, i) => expect(rotated[i]).toBeCloseTo(v, 5));
  });

  it('rotationBatch turns each image by its label, the labels spread over 0–3', () => {
    const count = 400;
    const x = new Random(4).normals(count * 9);
    const { x: turned, labels } = rotationBatch(x, count, 3, new Random(9));
    for (let i = 0; i < count; i++) expect(turned.subarray(i * 9, (i + 1) * 9)).toEqual(quarterTurn(x.subarray(i * 9, (i + 1) * 9), 3, labels[i]));
    const counts = [0, 1, 2, 3].map((k) => labels.filter((label) => label === k).length);
    expect(counts.reduce((a, b) => a + b)).toBe(count);
    for (const n of counts) expect(n).toBeGreaterThan(70);
  });
});

describe('rotation pretraining', () => {
  it('drives the loss down on a fixed batch of 2 real slices in their 4 turns (light-cnn with 4 outputs, cpu)', async () => {
    const set = await realImages(32);
    const x = Float32Array.from([0, 1, 2, 3].flatMap((k) => [0, 1].flatMap((i) => [...quarterTurn(set.x.subarray(i * 1024, (i + 1) * 1024), 32, k)])));
    const labels = Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
    const backend = new CpuBackend();
    const net = createNet(withClasses(buildNet('light-cnn', { size: 32 }), 4), backend, 2);
    const sgd = new Sgd(net);
    const xT = backend.tensor([8, 1, 32, 32], x);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const { loss, probs } = await trainStep(net, sgd, xT, labels, new Float32Array(4).fill(1), { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 }, step);
      expect(probs.length).toBe(32);
      losses.push(loss);
    }
    expect((losses[18] + losses[19]) / 2).toBeLessThan(0.5 * ((losses[0] + losses[1]) / 2));
    backend.dispose();
  });

  it('pretrainEpochs logs each epoch and repeats itself for a seed', async () => {
    const images = await realImages(32);
    const run = async () => {
      const backend = new CpuBackend();
      const net = createNet(withClasses(buildNet('light-cnn', { size: 32 }), 4), backend, 1);
      const settings = { net: 'light-cnn', size: 32, seed: 5, batch: 2, recipe: 'rotation-pretext', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dropout: 0.5, bnStatistics: 'moving' as const, root: '', trainList: null, valList: null, limit: null };
      const state = { settings, epoch: 0, best: null, log: [], seconds: 0 };
      await pretrainEpochs({ net, sgd: new Sgd(net), images, pretext: { kind: 'rotation' }, state, checkpointDir: tempDir('pretrain-') }, 2);
      const weights = await net.exportWeights();
      backend.dispose();
      return { log: state.log.map((l: EpochLog) => ({ ...l, seconds: 0 })), weights };
    };
    const [a, b] = [await run(), await run()];
    expect(a.log.length).toBe(2);
    for (const { loss, accuracy } of a.log) expect(loss > 0 && Number.isFinite(loss) && accuracy * 2 === Math.round(accuracy * 2)).toBe(true);
    expect(b.log).toEqual(a.log);
    expect(b.weights.get('conv1.weight')).toEqual(a.weights.get('conv1.weight'));
  });
});

describe('initFrom', () => {
  const dir = tempDir('init-from-');
  const pretrainedSpec = withClasses(buildNet('light-cnn', { size: 32 }), 4);
  const pretrained = initialWeights(pretrainedSpec, 77);
  const file = join(dir, 'pretrained.safetensors');
  const meta = { net: 'light-cnn', inChannels: 1, inputSize: 32, preprocessing: {}, classNames: ['0°', '90°', '180°', '270°'], training: 'test' };
  writeFileSync(file, encodeModel(pretrainedSpec, pretrained, meta));

  it('takes every trunk parameter and BN statistic, and keeps the fresh classifier of the seed', async () => {
    const spec = buildNet('light-cnn', { size: 64 });
    expect(classifierParams(spec)).toEqual(['fc.weight', 'fc.bias']);
    // squeezenet's logits come from parameterless ReLU and pooling after its 1×1 classifier conv
    expect(classifierParams(buildNet('squeezenet', { size: 64 }))).toEqual(['classifier.weight', 'classifier.bias']);
    expect(pretrainedSpec.params.find((p) => p.name === 'fc.weight')!.shape).toEqual([4, 320]);
    const { weights, report } = await initFrom(file, spec, 3);
    const fresh = initialWeights(spec, 3);
    for (const p of spec.params) expect(bits(weights.get(p.name)!).equals(bits((p.name.startsWith('fc.') ? fresh : pretrained).get(p.name)!)), p.name).toBe(true);
    expect(report).toMatch(new RegExp(`^--init ${file}: took conv1, fire2.squeeze, fire2.bn, .*, upsample, weighted_sum; fresh: fc$`));
  });

  it('refuses a file of another net, or that does not fit the trunk, naming the file and the first layer at fault', async () => {
    await expect(initFrom(file, buildNet('light-cnn', { inChannels: 3, size: 32 }), 1)).rejects.toThrow(`${file}: does not fit light-cnn: layer conv1.weight has shape [64,1,3,3], the net needs [64,3,3,3]`);
    await expect(initFrom(file, buildNet('squeezenet', { size: 32 }), 1)).rejects.toThrow(`${file}: holds a light-cnn, not a squeezenet`);
    await expect(initFrom(join(dir, 'none.safetensors'), buildNet('light-cnn'), 1)).rejects.toThrow('none.safetensors');
  });
});
