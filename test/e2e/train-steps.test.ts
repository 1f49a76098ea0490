import { describe, expect, it } from 'vitest';
import { createNet } from '../../src/nets/init.ts';
import { buildNet } from '../../src/nets/index.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { Sgd, trainStep } from '../../src/train/train-step.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

async function lossCurve(backend: Backend, steps: number): Promise<number[]> {
  const net = createNet(buildNet('light-cnn', { size: 32 }), backend, 3);
  const sgd = new Sgd(net);
  const x = backend.tensor([4, 1, 32, 32], new Random(8).normals(4 * 32 * 32));
  const labels = Float32Array.of(0, 1, 1, 0);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { loss } = await trainStep(net, sgd, x, labels, Float32Array.of(1, 1), { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 }, s);
    losses.push(loss);
  }
  sgd.dispose();
  net.dispose();
  return losses;
}

describe('a few SGD steps on one tiny batch drive the loss down', () => {
  it.each(['cpu', 'webgpu'] as const)('light-cnn on %s', async (name) => {
    const backend = name === 'cpu' ? new CpuBackend() : await webgpuForTests();
    const losses = await lossCurve(backend, 12);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    const start = (losses[0] + losses[1]) / 2;
    const end = (losses[10] + losses[11]) / 2;
    expect(end).toBeLessThan(0.5 * start);
    backend.dispose();
  });
});
