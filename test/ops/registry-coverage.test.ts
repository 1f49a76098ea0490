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
    const fwd = op.gpu.modules.flatMap((m) => m.fwdEntries);
    const bwd = op.gpu.modules.flatMap((m) => m.bwdEntries);
    expect(fwd.length).toBeGreaterThan(0);
    if (op.kind === 'layer') {
      expect(bwd.length).toBeGreaterThan(0);
      expect(typeof op.gpu.bwd).toBe('function');
    }
    for (const { source, fwdEntries, bwdEntries } of op.gpu.modules) {
      expect(await gpu.pipelines.compileErrors(source)).toEqual([]);
      const entries = reflectModule(source);
      for (const entry of [...fwdEntries, ...bwdEntries]) {
        expect(entries.has(entry), `${entry} in ${op.name}'s WGSL`).toBe(true);
        gpu.device.pushErrorScope('validation');
        gpu.pipelines.get(source, entry);
        expect(await gpu.device.popErrorScope(), entry).toBeNull();
      }
    }
  });

  it.each(ops.map((op) => [op.name, op] as const))('%s: has backend cases, and finite-difference cases when it has a backward', (_name, op) => {
    expect(allOpCases.filter((c) => c.op === op.name).length).toBeGreaterThanOrEqual(2);
    if (op.kind === 'layer') expect(allGradCases.filter((c) => c.op === op.name).length).toBeGreaterThanOrEqual(1);
  });

  it('the ops without a cpu fast path, whose cpu backend is the twin itself and so is not compared with it, are these', () => {
    // An op that gains a fast path leaves this list, and describeOpCases compares it with its twin.
    expect(ops.filter((op) => !op.cpuFast).map((op) => op.name).sort()).toEqual(['add', 'cosine_similarity', 'dense', 'dropout', 'relu', 'sgd', 'softmax_cross_entropy']);
  });
});
