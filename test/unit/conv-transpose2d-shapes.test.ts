import { describe, expect, it } from 'vitest';
import { host } from '../../src/runtime/host-tensor.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { ShapeError, type Shape } from '../../src/runtime/shape.ts';
import { convTranspose2dGeometry, usesGemm } from '../../src/runtime/ops/conv-transpose2d.ts';
import { outputShapes } from '../../src/runtime/validate.ts';

const op = getOp('conv_transpose2d');
const shapes = (inputs: Shape[], attrs: object = {}) => outputShapes(op, inputs, attrs);

function expectShapeError(inputs: Shape[], attrs: object, ...parts: string[]): void {
  let err: unknown;
  try {
    shapes(inputs, attrs);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ShapeError);
  const message = (err as Error).message;
  expect(message.startsWith('conv_transpose2d: '), message).toBe(true);
  for (const part of parts) expect(message).toContain(part);
}

describe('conv_transpose2d output shapes', () => {
  it('gives the light-cnn T layer 64 × 56 × 56 from 512 × 14 × 14', () => {
    expect(shapes([[1, 512, 14, 14], [512, 64, 4, 4], [64]], { stride: 4, pad: 0 })).toEqual([[1, 64, 56, 56]]);
    expect(shapes([[2, 512, 14, 14], [512, 64, 4, 4], [64]], { stride: 4 })).toEqual([[2, 64, 56, 56]]);
  });

  it('follows (H-1)·s - 2p + K per axis, with stride 1 and pad 0 by default', () => {
    expect(shapes([[3, 5, 7, 6], [5, 4, 3, 2], [4]], { stride: [2, 3], pad: [1, 0] })).toEqual([[3, 4, 13, 17]]);
    expect(shapes([[1, 3, 4, 4], [3, 5, 2, 3], [5]])).toEqual([[1, 5, 5, 6]]);
    expect(shapes([[2, 3, 5, 4], [3, 6, 2, 2], [6]], { stride: 3 })).toEqual([[2, 6, 14, 11]]);
  });
});

describe('conv_transpose2d picks the GEMM path only where it applies', () => {
  const gemm = (x: Shape, w: Shape, attrs: object) => usesGemm(convTranspose2dGeometry(x, w, [w[1]], attrs));
  it('kernel equal to stride without padding takes it, at any size', () => {
    expect(gemm([1, 512, 14, 14], [512, 64, 4, 4], { stride: 4 })).toBe(true); // the T layer
    expect(gemm([3, 7, 3, 5], [7, 5, 2, 3], { stride: [2, 3] })).toBe(true); // Cout·KH·KW = 30
    expect(gemm([1, 8, 3, 5], [8, 8, 2, 2], { stride: 2 })).toBe(true); // H·W = 15
  });
  it('overlap or padding take the general kernel', () => {
    expect(gemm([1, 512, 14, 14], [512, 64, 4, 4], { stride: 2 })).toBe(false);
    expect(gemm([1, 512, 14, 14], [512, 64, 4, 4], { stride: 4, pad: 1 })).toBe(false);
  });
});

describe('conv_transpose2d rejects bad shapes and attributes with the numbers', () => {
  it('wrong ranks', () => {
    expectShapeError([[512, 14, 14], [512, 64, 4, 4], [64]], {}, 'x must have rank 4', '[512,14,14]');
    expectShapeError([[1, 512, 14, 14], [512, 64, 4], [64]], {}, 'w must have rank 4', '[512,64,4]');
    expectShapeError([[1, 512, 14, 14], [512, 64, 4, 4], [1, 64]], {}, 'b must have rank 1', '[1,64]');
  });

  it('channel mismatches', () => {
    expectShapeError([[1, 512, 14, 14], [256, 64, 4, 4], [64]], {}, 'w [256,64,4,4] input channels', 'is 256, expected 512');
    expectShapeError([[1, 512, 14, 14], [512, 64, 4, 4], [32]], {}, 'b [32] length', 'is 32, expected 64');
  });

  it('bad stride and pad', () => {
    expectShapeError([[1, 2, 3, 3], [2, 2, 2, 2], [2]], { stride: 0 }, 'stride must be an integer ≥ 1 or a pair of them', '0');
    expectShapeError([[1, 2, 3, 3], [2, 2, 2, 2], [2]], { stride: [2, 1.5] }, 'stride', '[2,1.5]');
    expectShapeError([[1, 2, 3, 3], [2, 2, 2, 2], [2]], { stride: [2, 2, 2] }, 'stride must be an integer ≥ 1 or a pair of them', '[2,2,2]');
    expectShapeError([[1, 2, 3, 3], [2, 2, 2, 2], [2]], { pad: -1 }, 'pad must be an integer ≥ 0 or a pair of them', '-1');
  });

  it('padding that leaves no output', () => {
    expectShapeError([[1, 2, 1, 3], [2, 2, 2, 2], [2]], { stride: 1, pad: 1 }, 'x [1,2,1,3]', 'kernel 2×2', 'pad [1,1]', 'empty 0×2 output');
  });

  it('a wrong input count', () => {
    expect(() => shapes([[1, 2, 3, 3], [2, 2, 2, 2]])).toThrow(/conv_transpose2d: expects 3 inputs \(x, w, b\), got 2/);
  });
});

// Worked by hand, so the twin itself is pinned (the GPU tests only compare against it).
describe('conv_transpose2d twin on a hand-worked example', () => {
  const x = host([1, 1, 2, 2], Float32Array.of(1, 2, 3, 4));
  const w = host([1, 2, 2, 2], Float32Array.of(1, 1, 1, 1, 1, 0, 0, -1)); // channel 0: all ones; 1: [[1,0],[0,-1]]
  const b = host([2], Float32Array.of(0.5, -1));

  it('stride 1 overlaps the stamps', () => {
    const [y] = op.cpu.fwd([x, w, b], { stride: 1 });
    expect(y.shape).toEqual([1, 2, 3, 3]);
    // channel 0: box sums of x; channel 1: x placed at (0,0) minus x placed at (1,1)
    expect(Array.from(y.data)).toEqual([1.5, 3.5, 2.5, 4.5, 10.5, 6.5, 3.5, 7.5, 4.5, 0, 1, -1, 2, 2, -3, -1, -4, -5]);
  });

  it('stride 3 leaves gaps that hold exactly b, pad 1 crops the border', () => {
    const [y] = op.cpu.fwd([x, w, b], { stride: 3, pad: 1 });
    expect(y.shape).toEqual([1, 2, 3, 3]);
    // full 5×5 channel 0 is [[1,1,b,2,2],[1,1,b,2,2],[b..],[3,3,b,4,4],[3,3,b,4,4]] + b; pad 1 keeps rows/cols 1..3
    expect(Array.from(y.data)).toEqual([1.5, 0.5, 2.5, 0.5, 0.5, 0.5, 3.5, 0.5, 4.5, -2, -1, -1, -1, -1, -1, -1, -1, 3]);
  });

  it('backward: db sums dy, dx correlates dy with w, dw correlates x with dy', () => {
    const [y] = op.cpu.fwd([x, w, b], { stride: 1 });
    const dy = host(y.shape, Float32Array.from({ length: 18 }, (_, i) => (i < 9 ? 1 : 0)));
    const [dx, dw, db] = op.cpu.bwd!([x, w, b], [y], dy, { stride: 1 });
    expect(Array.from(db!.data)).toEqual([9, 0]);
    expect(Array.from(dx!.data)).toEqual([4, 4, 4, 4]); // every x pixel meets 4 ones of channel 0
    expect(Array.from(dw!.data)).toEqual([10, 10, 10, 10, 0, 0, 0, 0]); // each tap sees all of x once
  });
});
