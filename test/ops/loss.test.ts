import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { ShapeError } from '../../src/runtime/shape.ts';
import { describeOpCases } from '../harness/describe-op-cases.ts';
import { webgpuForTests } from '../harness/webgpu.ts';
import { lossCases, lossGradCases } from './loss.cases.ts';

describeOpCases('softmax_cross_entropy', lossCases, lossGradCases);

async function xent(backend: Backend, logits: number[], labels: number[], weights: number[], attrs = {}) {
  const n = labels.length;
  const k = weights.length;
  const inputs = [backend.tensor([n, k], Float32Array.from(logits)), backend.tensor([n], Float32Array.from(labels)), backend.tensor([k], Float32Array.from(weights))];
  const [loss, probs] = backend.forward('softmax_cross_entropy', inputs, attrs);
  const [dlogits] = backend.backward('softmax_cross_entropy', inputs, [loss, probs], backend.tensor([1], Float32Array.of(1)), attrs);
  return { loss: (await loss.read())[0], probs: [...(await probs.read())], dlogits: [...(await dlogits!.read())] };
}

describe.each([
  ['cpu', async () => new CpuBackend() as Backend],
  ['webgpu', webgpuForTests],
])('softmax_cross_entropy values on %s', (_name, make) => {
  it('is the weighted mean of −log p[label] (worked by hand)', async () => {
    // Row 0: p = (1/2, 1/2), label 0, weight 2. Row 1: p = (1/4, 3/4), label 1, weight 1.
    const r = await xent(await make(), [0, 0, 0, Math.log(3)], [0, 1], [2, 1]);
    expect(r.loss).toBeCloseTo((2 * Math.log(2) + Math.log(4 / 3)) / 3, 6);
    [0.5, 0.5, 0.25, 0.75].forEach((p, i) => expect(r.probs[i]).toBeCloseTo(p, 6));
    // dlogits = wt·(p − onehot)/Σwt
    [-1 / 3, 1 / 3, 1 / 12, -1 / 12].forEach((d, i) => expect(r.dlogits[i]).toBeCloseTo(d, 6));
  });

  it('smooths the targets to (1 − ε)·onehot + ε/K (worked by hand)', async () => {
    // Row 0: p = (1/2, 1/2), label 0, weight 2. Row 1: p = (1/4, 3/4), label 1, weight 1. ε = 0.2:
    // targets (0.9, 0.1) and (0.1, 0.9).
    const r = await xent(await make(), [0, 0, 0, Math.log(3)], [0, 1], [2, 1], { smoothing: 0.2 });
    const row1 = 0.1 * Math.log(4) + 0.9 * Math.log(4 / 3);
    expect(r.loss).toBeCloseTo((2 * Math.log(2) + row1) / 3, 6);
    // dlogits = wt·(p − t)/Σwt
    [(2 / 3) * -0.4, (2 / 3) * 0.4, (1 / 3) * 0.15, (1 / 3) * -0.15].forEach((d, i) => expect(r.dlogits[i]).toBeCloseTo(d, 6));
  });

  it('stays finite for logits of ±1000 (the row max is subtracted)', async () => {
    const r = await xent(await make(), [1000, 0, -1000, 1000], [1, 0], [1, 1]);
    expect(r.loss).toBeCloseTo(1500, 2);
    [1, 0, 0, 1].forEach((p, i) => expect(r.probs[i]).toBeCloseTo(p, 6));
    [0.5, -0.5, -0.5, 0.5].forEach((d, i) => expect(r.dlogits[i]).toBeCloseTo(d, 6));
  });
});

describe('softmax_cross_entropy smoothing outside [0, 1)', () => {
  it('throws, naming the value', async () => {
    await expect(xent(new CpuBackend(), [0, 1], [0], [1, 1], { smoothing: 1 })).rejects.toThrow('smoothing must be in [0, 1), got 1');
    await expect(xent(new CpuBackend(), [0, 1], [0], [1, 1], { smoothing: -0.1 })).rejects.toThrow(ShapeError);
  });
});

describe('softmax_cross_entropy labels that are not class indices', () => {
  it('throw on the cpu path, naming the label', async () => {
    const bad = xent(new CpuBackend(), [0, 1, 2, 3], [0, 2], [1, 1]);
    await expect(bad).rejects.toThrow(ShapeError);
    await expect(xent(new CpuBackend(), [0, 1, 2, 3], [0.5, 1], [1, 1])).rejects.toThrow('labels[0] = 0.5 is not a class index in [0, 2)');
  });

  it('are ignored on webgpu: the row adds nothing to the loss and gets a zero gradient', async () => {
    const gpu = await webgpuForTests();
    const logits = [0.3, -1.2, 2.0, 0.1, -0.7, 0.9];
    const got = await xent(gpu, logits, [0, 5, 1], [1, 3]);
    const want = await xent(new CpuBackend(), [0.3, -1.2, -0.7, 0.9], [0, 1], [1, 3]);
    gpu.dispose();
    expect(got.loss).toBeCloseTo(want.loss, 5);
    expect(got.dlogits.slice(2, 4).map(Math.abs)).toEqual([0, 0]);
    [...want.dlogits.slice(0, 2), 0, 0, ...want.dlogits.slice(2)].forEach((d, i) => expect(got.dlogits[i]).toBeCloseTo(d, 5));
  });
});
