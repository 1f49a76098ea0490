import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/runtime/backend.ts';
import { recycle } from '../../src/runtime/cpu/array-pool.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { sizeOf } from '../../src/runtime/shape.ts';
import { gradCheck } from './gradcheck.ts';
import { caseName, runOpCase, type OpCase } from './op-case.ts';
import { webgpuForTests } from './webgpu.ts';

/**
 * The standard tests of an op family: every case on webgpu (Dawn) and, for ops with a fast
 * path, on the cpu backend against the CPU twin, and float64 finite-difference checks of the
 * CPU twin's backward on the `gradCases`.
 */
export function describeOpCases(family: string, cases: OpCase[], gradCases: OpCase[], maxGradError = 1e-5): void {
  describe(`${family} on webgpu (Node, Dawn) matches the CPU twin`, () => {
    let gpu: Backend;
    beforeAll(async () => {
      gpu = await webgpuForTests();
    });
    afterAll(() => gpu?.dispose());
    it.each(cases.map((c) => [caseName(c), c] as const))('%s', async (_name, c) => {
      const r = await runOpCase(gpu, c);
      expect(r.compared).toBeGreaterThan(0);
      expect(r.worst, r.where).toBeLessThanOrEqual(1);
    });
  });

  // Without a fast path the cpu backend runs the twin itself: comparing them could not fail.
  const fastCases = cases.filter((c) => getOp(c.op).cpuFast);
  if (fastCases.length) describe(`${family}'s fast path on the cpu backend matches the CPU twin, its arrays reused from a pool full of NaN`, () => {
    // Two threads whatever the machine, so the fast paths' work split is tested on a one-core runner too.
    const cpu = new CpuBackend({ threads: 2 });
    it.each(fastCases.map((c) => [caseName(c), c] as const))('%s', async (_name, c) => {
      poisonPool(c);
      const r = await runOpCase(cpu, c);
      expect(r.worst, r.where).toBeLessThanOrEqual(1);
    });
  });

  describe(`${family} backward passes agree with finite differences (float64)`, () => {
    it.each(gradCases.map((c) => [caseName(c), c] as const))('%s', (_name, c) => {
      const r = gradCheck(c);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.worst, r.where).toBeLessThanOrEqual(maxGradError);
    });
  });
}

/**
 * Leaves NaN-filled arrays of every length the case's outputs and gradients have in the cpu
 * backend's pool: an op that hands out a reused array without writing all of it shows NaN.
 */
function poisonPool(c: OpCase): void {
  const outputs = getOp(c.op).inferShapes(c.inputs, c.attrs ?? {});
  for (const shape of [...outputs, ...c.inputs]) {
    for (let copy = 0; copy < 3; copy++) recycle(new Float32Array(new SharedArrayBuffer(4 * sizeOf(shape))).fill(NaN));
  }
}
