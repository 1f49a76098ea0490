import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { reflectModule } from '../../src/runtime/gpu/reflect.ts';
import { conv2dSources } from '../../src/runtime/ops/conv2d-gpu.ts';
import { describeOpCases } from '../harness/describe-op-cases.ts';
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
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const entry of entries) {
      gpu.device.pushErrorScope('validation');
      gpu.pipelines.get(source, entry);
      expect(await gpu.device.popErrorScope(), entry).toBeNull();
    }
  });
});
