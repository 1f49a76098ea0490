import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNet } from '../../src/nets/init.ts';
import { buildNet } from '../../src/nets/index.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { betaSample, mixImages, planMix } from '../../src/train/mixup.ts';
import { Sgd, trainStep, type LossOptions } from '../../src/train/train-step.ts';
import { covidCt, tempDir, TINY_RUN } from './cli.ts';

function moments(a: number, b: number, n: number) {
  const rng = new Random(11);
  const xs = Array.from({ length: n }, () => betaSample(rng, a, b));
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  return { xs, mean, variance };
}

describe('Beta(a, b) samples', () => {
  it.each([
    [0.2, 0.2],
    [2, 5],
    [1, 1],
  ])('Beta(%f, %f) has the mean a/(a+b) and variance ab/((a+b)²(a+b+1)), all in [0, 1]', (a, b) => {
    const n = 20000;
    const { xs, mean, variance } = moments(a, b, n);
    const wantMean = a / (a + b);
    const wantVar = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(mean - wantMean)).toBeLessThan(4 * Math.sqrt(wantVar / n));
    expect(Math.abs(variance - wantVar) / wantVar).toBeLessThan(0.05);
    expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
  });
});

describe('a mixup plan', () => {
  it('pairs the images by a permutation and blends them λ : 1 − λ', () => {
    const plan = planMix(new Random(3), 0.2, 5);
    expect([...plan.partner].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(planMix(new Random(3), 0.2, 5)).toEqual(plan);
    const mixed = mixImages(Float32Array.of(1, 2, 10, 20), 2, { lambda: 0.75, partner: [1, 0] });
    expect([...mixed]).toEqual([3.25, 6.5, 7.75, 15.5]);
  });
});

/** One step from the same initial weights and batch, with the given loss options. */
async function firstStep(loss: LossOptions) {
  const backend = new CpuBackend();
  const net = createNet(buildNet('light-cnn', { size: 32 }), backend, 5);
  const x = backend.tensor([3, 1, 32, 32], new Random(2).normals(3 * 32 * 32));
  const step = await trainStep(net, new Sgd(net), x, Float32Array.of(0, 1, 1), Float32Array.of(1, 3), { lr: 0.01, momentum: 0.9, weightDecay: 0 }, 0, loss);
  const weights = await net.exportWeights();
  backend.dispose();
  return { ...step, weights };
}

describe('a mixup training step', () => {
  it('minimises λ·CE(labels) + (1 − λ)·CE(partner labels), class weights included', async () => {
    const { loss, probs } = await firstStep({ mix: { lambda: 0.3, partnerLabels: Float32Array.of(1, 0, 1) } });
    const ce = (labels: number[]) => {
      const w = [1, 3];
      const total = labels.reduce((s, l) => s + w[l], 0);
      return labels.reduce((s, l, n) => s - w[l] * Math.log(probs[2 * n + l]), 0) / total;
    };
    expect(loss).toBeCloseTo(0.3 * ce([0, 1, 1]) + 0.7 * ce([1, 0, 1]), 5);
  });

  it('with λ = 1 is the plain step: the same loss and the same updated weights', async () => {
    const plain = await firstStep({});
    const mixed = await firstStep({ mix: { lambda: 1, partnerLabels: Float32Array.of(1, 0, 0) } });
    expect(mixed.loss).toBe(plain.loss);
    for (const [name, w] of plain.weights) expect(Buffer.from(mixed.weights.get(name)!.buffer).equals(Buffer.from(w.buffer)), name).toBe(true);
  });
});

describe('covid-ct train --recipe robust-mixup', () => {
  it('trains and records the recipe', async () => {
    const dir = tempDir('mixup-');
    const out = join(dir, 'm.safetensors');
    const run = await covidCt('train', ...TINY_RUN, '--epochs', '1', '--recipe', 'robust-mixup', '--out', out, '--checkpoint-dir', join(dir, 'checkpoints'));
    expect(run.code, run.stderr).toBe(0);
    const info = await covidCt('info', '--model', out, '--json');
    expect(JSON.parse(info.stdout).training).toMatchObject({ recipe: 'robust-mixup' });
  });
});
