import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { conv2dFwdFast, conv2dFwdItems, conv2dFwdTask } from '../../src/runtime/cpu/conv2d-fast.ts';
import { packPanels, panelSize } from '../../src/runtime/cpu/gemm-panels.ts';
import type { Job } from '../../src/runtime/cpu/parallel.ts';
import { helpers } from '../../src/runtime/cpu/worker-pool.ts';
import { conv2dGeometry } from '../../src/runtime/ops/conv2d-shapes.ts';
import { caseName, makeInputs, runOpCase, type OpCase } from '../harness/op-case.ts';

// Threaded fast paths split work so that every output element is computed by the
// same operations in the same order whatever the thread count: results must be
// bit-identical to one thread, not merely close.

const cases: OpCase[] = [
  { op: 'conv2d', inputs: [[3, 5, 9, 7], [7, 5, 3, 2], [7]], attrs: { stride: [2, 1], pad: [1, 0] } },
  { op: 'conv2d', inputs: [[2, 16, 29, 31], [19, 16, 3, 3], [19]], attrs: { pad: 1 } },
  { op: 'conv2d', inputs: [[3, 9, 17, 15], [5, 9, 1, 1], [5]] },
  { op: 'conv2d', inputs: [[1, 1, 37, 41], [8, 1, 3, 3], [8]], attrs: { stride: 2, pad: 1 } },
  { op: 'conv_transpose2d', inputs: [[3, 5, 7, 6], [5, 7, 3, 2], [7]], attrs: { stride: [2, 3], pad: [1, 0] } },
  { op: 'conv_transpose2d', inputs: [[2, 24, 7, 7], [24, 9, 4, 4], [9]], attrs: { stride: 4 } },
  { op: 'conv_transpose2d', inputs: [[2, 6, 5, 9], [6, 3, 3, 3], [3]], attrs: { stride: 1, pad: 1 } },
  { op: 'conv2d', inputs: [[1, 2, 100, 100], [16, 2, 3, 3], [16]], attrs: { pad: 1, activation: 'elu' } },
  { op: 'fire_expand', inputs: [[1, 8, 40, 40], [48, 8, 1, 1], [48], [48, 8, 3, 3], [48]], attrs: { activation: 'elu' } },
  // dw of 18,432 values: the images' parts summed on the pool in two ranges
  { op: 'conv2d', inputs: [[3, 32, 9, 9], [64, 32, 3, 3], [64]], attrs: { pad: 1 } },
  { op: 'maxpool', inputs: [[2, 3, 100, 91]], attrs: { kernel: 3, stride: 2, ceilMode: true } },
  { op: 'maxpool', inputs: [[1, 4, 131, 67]], attrs: { kernel: 3, stride: 2, pad: 1, ceilMode: false } },
];

async function run(backend: CpuBackend, c: OpCase): Promise<Float32Array[]> {
  const inputs = makeInputs(c, 5).map((d, i) => backend.tensor(c.inputs[i], d));
  const outputs = backend.forward(c.op, inputs, c.attrs);
  const dy = backend.tensor(outputs[0].shape, makeInputs({ op: c.op, inputs: [outputs[0].shape] }, 6)[0]);
  const grads = backend.backward(c.op, inputs, outputs, dy, c.attrs);
  return Promise.all([...outputs, ...grads].map((t) => t!.read()));
}

/** Posts a conv2d forward job to one helper only and waits for it; returns the helper's y and one thread's. */
async function helperConv(helper: { postMessage(m: unknown): void }): Promise<[Float32Array, Float32Array]> {
  const g = conv2dGeometry('conv2d', [2, 4, 20, 20], [6, 4, 3, 3], [6], { pad: 1 });
  const [x, w, b] = makeInputs({ op: 'conv2d', inputs: [[2, 4, 20, 20], [6, 4, 3, 3], [6]] }, 2);
  const shared = (n: number) => new Float32Array(new SharedArrayBuffer(4 * n));
  const xs = shared(x.length);
  xs.set(x);
  const wPanels = packPanels(w, 0, 6, 36, 36, 1, shared(panelSize(6, 36)));
  const args = { x: xs, wPanels, b, y: shared(2 * 6 * 400), g };
  const job: Job = { task: conv2dFwdTask.name, args, count: conv2dFwdItems(g), sync: new Int32Array(new SharedArrayBuffer(12)) };
  helper.postMessage(job);
  // Items are all taken once the counter passes count; the helper is done when it has left.
  while (Atomics.load(job.sync, 0) <= job.count || Atomics.load(job.sync, 1) !== 0) await new Promise((r) => setTimeout(r, 10));
  expect(Atomics.load(job.sync, 2)).toBe(0);
  return [args.y, conv2dFwdFast(x, w, b, g)];
}

describe('cpu backend: threaded fast paths', () => {
  const one = new CpuBackend({ threads: 1 });
  let fromHelpers: [Float32Array, Float32Array][] = [];
  // Waiting for each helper to finish a job of its own also makes sure they run the tests below.
  beforeAll(async () => {
    fromHelpers = await Promise.all(helpers(2).map(helperConv));
  });

  it('worker threads load (under Vitest too) and write what one thread writes', () => {
    expect(fromHelpers).toHaveLength(2);
    for (const [got, want] of fromHelpers) expect(got).toEqual(want);
  });

  it.each(cases.map((c) => [caseName(c), c] as const))('%s: 2 and 3 threads give the bits of 1 thread', async (_name, c) => {
    const want = await run(one, c);
    for (const threads of [2, 3]) expect(await run(new CpuBackend({ threads }), c)).toEqual(want);
  });

  it.each(cases.map((c) => [caseName(c), c] as const))('%s: 2 threads match the CPU twin', async (_name, c) => {
    const r = await runOpCase(new CpuBackend({ threads: 2 }), c);
    expect(r.worst, r.where).toBeLessThanOrEqual(1);
  });

  it('threads: 1, float64, or a forced count are honoured', () => {
    expect(new CpuBackend({ threads: 1 }).threads).toBe(1);
    expect(new CpuBackend({ threads: 3 }).threads).toBe(3);
    expect(new CpuBackend({ float64: true, threads: 4 }).threads).toBe(1);
  });
});
