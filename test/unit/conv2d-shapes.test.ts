import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { ShapeError } from '../../src/runtime/shape.ts';
import { outputShapes } from '../../src/runtime/validate.ts';

const shapes = (x: number[], w: number[], b: number[], attrs: object = {}) => outputShapes(getOp('conv2d'), [x, w, b], attrs);

describe('conv2d shapes', () => {
  it('give floor((H + 2p − K)/s) + 1 per axis', () => {
    expect(shapes([2, 1, 224, 224], [64, 1, 3, 3], [64], { stride: 2, pad: 1 })).toEqual([[2, 64, 112, 112]]);
    expect(shapes([1, 16, 56, 56], [64, 16, 3, 3], [64], { pad: 1 })).toEqual([[1, 64, 56, 56]]);
    expect(shapes([3, 5, 9, 7], [7, 5, 3, 2], [7], { stride: [2, 1], pad: [1, 0] })).toEqual([[3, 7, 5, 6]]);
    expect(shapes([1, 2, 11, 13], [4, 2, 5, 5], [4], { stride: 3, pad: 2 })).toEqual([[1, 4, 4, 5]]);
    expect(shapes([1, 192, 56, 56], [128, 192, 1, 1], [128])).toEqual([[1, 128, 56, 56]]);
  });

  it('reject a kernel that does not fit, with the sizes', () => {
    expect(() => shapes([1, 3, 2, 8], [4, 3, 3, 3], [4])).toThrow('conv2d: kernel 3×3 does not fit x [1,3,2,8] padded by [0,0]: output would be 0×6');
    expect(() => shapes([1, 3, 2, 8], [4, 3, 3, 3], [4])).toThrow(ShapeError);
  });

  it('reject channel and bias mismatches, naming the inputs', () => {
    expect(() => shapes([1, 3, 8, 8], [4, 2, 3, 3], [4])).toThrow('conv2d: w [4,2,3,3] has 2 input channels but x [1,3,8,8] has 3');
    expect(() => shapes([1, 3, 8, 8], [4, 3, 3, 3], [5])).toThrow('conv2d: b [5] must have one value per output channel of w [4,3,3,3] (4)');
  });

  it('reject wrong ranks and non-positive dimensions', () => {
    expect(() => shapes([3, 8, 8], [4, 3, 3, 3], [4])).toThrow('conv2d: x must have rank 4, got shape [3,8,8]');
    expect(() => shapes([1, 3, 8, 8], [4, 3, 0, 3], [4])).toThrow('conv2d: w has a dimension that is not a positive integer: [4,3,0,3]');
    expect(() => shapes([1, 3, 8, 8], [4, 3, 3, 3], [4, 1])).toThrow('conv2d: b must have rank 1, got shape [4,1]');
  });

  it('reject bad stride and padding', () => {
    expect(() => shapes([1, 1, 8, 8], [1, 1, 3, 3], [1], { stride: 0 })).toThrow('conv2d: stride must be an integer ≥ 1 or a pair of them, got 0');
    expect(() => shapes([1, 1, 8, 8], [1, 1, 3, 3], [1], { stride: [1, 1.5] })).toThrow('conv2d: stride must be an integer ≥ 1 or a pair of them, got [1,1.5]');
    expect(() => shapes([1, 1, 8, 8], [1, 1, 3, 3], [1], { pad: -1 })).toThrow('conv2d: pad must be an integer ≥ 0 or a pair of them, got -1');
    expect(() => shapes([1, 1, 8, 8], [1, 1, 3, 3], [1], { pad: [1, 1, 1] })).toThrow('conv2d: pad must be an integer ≥ 0 or a pair of them, got [1,1,1]');
  });

  it('reject a wrong number of inputs', () => {
    expect(() => outputShapes(getOp('conv2d'), [[1, 1, 4, 4], [1, 1, 3, 3]], {})).toThrow('conv2d: expects 3 inputs (x, w, b), got 2');
  });

  it('are checked by the backends before any kernel runs', () => {
    const cpu = new CpuBackend();
    const x = cpu.tensor([1, 3, 8, 8]);
    const w = cpu.tensor([4, 2, 3, 3]);
    const b = cpu.tensor([4]);
    expect(() => cpu.forward('conv2d', [x, w, b], { pad: 1 })).toThrow('conv2d: w [4,2,3,3] has 2 input channels but x [1,3,8,8] has 3');
  });
});

describe('conv2d on known numbers', () => {
  it('sums a 2×2 kernel over a padded 2×2 image, plus the bias', async () => {
    const cpu = new CpuBackend();
    const x = cpu.tensor([1, 1, 2, 2], Float32Array.from([1, 2, 3, 4]));
    const w = cpu.tensor([1, 1, 2, 2], Float32Array.from([1, 10, 100, 1000]));
    const b = cpu.tensor([1], Float32Array.from([0.5]));
    const [y] = cpu.forward('conv2d', [x, w, b], { pad: 1, stride: 2 });
    // output (0,0) sees only x[0,0] under w[1,1]; (0,1) x[0,1] under w[1,0]; (1,0) x[1,0] under w[0,1]; (1,1) x[1,1] under w[0,0]
    expect(Array.from(await y.read())).toEqual([1000.5, 200.5, 30.5, 4.5]);
  });
});
