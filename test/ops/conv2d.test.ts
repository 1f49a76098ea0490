import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { reflectModule } from '../../src/runtime/gpu/reflect.ts';
import { conv2dSources } from '../../src/runtime/ops/conv2d-gpu.ts';
import { sizeOf } from '../../src/runtime/shape.ts';
import { describeOpCases } from '../harness/describe-op-cases.ts';
import { runOpCase } from '../harness/op-case.ts';
import { webgpuForTests } from '../harness/webgpu.ts';
import { conv2dCases, conv2dGradCases } from './conv2d.cases.ts';

describeOpCases('conv2d', conv2dCases, conv2dGradCases);

// The op's registry entry names the generic module only; the fast paths' modules are checked here.
describe('conv2d WGSL modules: every entry compiles and builds a pipeline', () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu?.dispose());

  it.each(Object.entries(conv2dSources))('%s', async (_name, source) => {
    expect(await gpu.pipelines.compileErrors(source)).toEqual([]);
    const entries = [...reflectModule(source).keys()];
    expect(entries.length).toBeGreaterThanOrEqual(1);
    for (const entry of entries) {
      gpu.device.pushErrorScope('validation');
      gpu.pipelines.get(source, entry);
      expect(await gpu.device.popErrorScope(), entry).toBeNull();
    }
  });
});

// Pooled buffers come back dirty: every kernel must write every element it owns,
// including the zeros of a strided dx that no tap reaches.
describe('conv2d kernels overwrite every element of reused (NaN-filled) buffers', () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu?.dispose());

  const cases = [
    { op: 'conv2d', inputs: [[2, 7, 6, 5], [6, 7, 1, 1], [6]], attrs: { stride: 2, pad: 1 } },
    { op: 'conv2d', inputs: [[2, 5, 7, 19], [11, 5, 3, 3], [11]], attrs: { pad: 1 } },
    { op: 'conv2d', inputs: [[3, 9, 3, 7], [5, 9, 1, 1], [5]], attrs: {} },
    { op: 'conv2d', inputs: [[1, 1, 24, 24], [4, 1, 3, 3], [4]], attrs: { stride: 2, pad: 1 } },
  ];
  it.each(cases.map((c) => [JSON.stringify(c.inputs), c] as const))('%s', async (_name, c) => {
    const shapes = [...c.inputs, gpu.forward('conv2d', c.inputs.map((s) => gpu.tensor(s)), c.attrs)[0].shape];
    const poison = shapes.flatMap((s) => [0, 1, 2].map(() => gpu.tensor(s, new Float32Array(sizeOf(s)).fill(NaN))));
    await gpu.sync();
    poison.forEach((t) => t.dispose());
    await gpu.sync();
    const r = await runOpCase(gpu, c);
    expect(r.worst, r.where).toBeLessThanOrEqual(1);
  });
});
