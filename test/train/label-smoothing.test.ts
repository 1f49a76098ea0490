import { describe, expect, it } from 'vitest';
import { createNet } from '../../src/nets/init.ts';
import { buildNet } from '../../src/nets/index.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { recipeByName } from '../../src/train/recipe.ts';
import { Sgd, trainStep } from '../../src/train/train-step.ts';

/** The loss and probabilities of one step from the same initial weights, with smoothing ε. */
async function firstStep(smoothing: number) {
  const backend = new CpuBackend();
  const net = createNet(buildNet('light-cnn', { size: 32 }), backend, 5);
  const sgd = new Sgd(net);
  const x = backend.tensor([3, 1, 32, 32], new Random(2).normals(3 * 32 * 32));
  const step = await trainStep(net, sgd, x, Float32Array.of(0, 1, 1), Float32Array.of(1, 1), { lr: 0.01, momentum: 0.9, weightDecay: 0 }, 0, { labelSmoothing: smoothing });
  backend.dispose();
  return step;
}

describe('label smoothing in a training step', () => {
  it('trains towards (1 − ε)·onehot + ε/2: the loss is the smoothed cross-entropy of the step probabilities', async () => {
    const { loss, probs } = await firstStep(0.2);
    const labels = [0, 1, 1];
    const want = labels.reduce((sum, label, n) => sum - [0, 1].reduce((s, k) => s + (k === label ? 0.9 : 0.1) * Math.log(probs[2 * n + k]), 0), 0) / 3;
    expect(loss).toBeCloseTo(want, 5);
    const plain = await firstStep(0);
    expect(plain.probs).toEqual(probs);
    expect(Math.abs(plain.loss - loss)).toBeGreaterThan(1e-3);
  });

  it('is 0.1 in the robust-smooth recipe and 0 in the paper recipe', () => {
    expect(recipeByName('robust-smooth').labelSmoothing).toBe(0.1);
    expect(recipeByName('paper').labelSmoothing).toBe(0);
  });
});
