import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { reflectModule } from '../../src/runtime/gpu/reflect.ts';
import { registry } from '../../src/runtime/registry.ts';
import { webgpuForTests } from '../harness/webgpu.ts';
import { allGradCases, allOpCases } from './all.cases.ts';

const ops = [...registry.values()];

describe('every op in the registry is complete', () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu.dispose());

  it.each(ops.map((op) => [op.name, op] as const))('%s: CPU twin forward and backward', (_name, op) => {
    expect(typeof op.cpu.fwd).toBe('function');
    if (op.kind === 'layer') expect(typeof op.cpu.bwd).toBe('function');
    expect(op.grads.length).toBe(op.inputs.length);
  });

  it.each(ops.map((op) => [op.name, op] as const))('%s: WGSL forward and backward entries exist and compile', async (_name, op) => {
    const entries = reflectModule(op.gpu.source);
    expect(op.gpu.fwdEntries.length).toBeGreaterThan(0);
    if (op.kind === 'layer') {
      expect(op.gpu.bwdEntries.length).toBeGreaterThan(0);
      expect(typeof op.gpu.bwd).toBe('function');
    }
    expect(await gpu.pipelines.compileErrors(op.gpu.source)).toEqual([]);
    for (const entry of [...op.gpu.fwdEntries, ...op.gpu.bwdEntries]) {
      expect(entries.has(entry), `${entry} in ${op.name}'s WGSL`).toBe(true);
      gpu.device.pushErrorScope('validation');
      gpu.pipelines.get(op.gpu.source, entry);
      expect(await gpu.device.popErrorScope(), entry).toBeNull();
    }
  });

  it.each(ops.map((op) => [op.name, op] as const))('%s: has backend cases, and finite-difference cases when it has a backward', (_name, op) => {
    expect(allOpCases.filter((c) => c.op === op.name).length).toBeGreaterThanOrEqual(2);
    if (op.kind === 'layer') expect(allGradCases.filter((c) => c.op === op.name).length).toBeGreaterThanOrEqual(1);
  });
});
