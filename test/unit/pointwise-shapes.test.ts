import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { outputShapes } from '../../src/runtime/validate.ts';

describe('element-wise op shapes', () => {
  it('keep the input shape (dropout also returns its mask)', () => {
    expect(outputShapes(getOp('elu'), [[2, 3, 5, 7]], {})).toEqual([[2, 3, 5, 7]]);
    expect(outputShapes(getOp('dropout'), [[2, 320]], { p: 0.5, seed: 1 })).toEqual([[2, 320], [2, 320]]);
  });

  it('reject zero-sized and fractional dimensions, naming the op and the shape', () => {
    expect(() => outputShapes(getOp('relu'), [[2, 0, 3]], {})).toThrow('relu: x has a dimension that is not a positive integer: [2,0,3]');
    expect(() => outputShapes(getOp('elu'), [[2.5]], {})).toThrow('elu: x has a dimension that is not a positive integer: [2.5]');
  });

  it('reject operands of different shapes for add', () => {
    expect(() => outputShapes(getOp('add'), [[1, 4, 2, 2], [1, 4, 2, 3]], {})).toThrow('add: a [1,4,2,2] and b [1,4,2,3] must have the same shape');
  });

  it('reject a wrong number of inputs', () => {
    expect(() => outputShapes(getOp('add'), [[1, 2]], {})).toThrow('add: expects 2 inputs (a, b), got 1');
  });

  it('reject bad dropout attributes', () => {
    expect(() => outputShapes(getOp('dropout'), [[4]], { p: 1, seed: 1 })).toThrow('dropout: p must be in [0, 1), got 1');
    expect(() => outputShapes(getOp('dropout'), [[4]], { p: 0.5, seed: -1 })).toThrow('dropout: seed must be a u32, got -1');
  });

  it('reject an unknown op by name, listing the known ones', () => {
    expect(() => getOp('gelu')).toThrow(/unknown op "gelu" \(known: .*elu.*\)/);
  });

  it('propagate NaN and Inf on the CPU as IEEE says', async () => {
    const cpu = new CpuBackend();
    const [y] = cpu.forward('elu', [cpu.tensor([3], Float32Array.from([NaN, Infinity, -Infinity]))]);
    const got = await y.read();
    expect(got[0]).toBeNaN();
    expect(got[1]).toBe(Infinity);
    expect(got[2]).toBe(-1);
  });
});
