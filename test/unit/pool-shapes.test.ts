import { describe, expect, it } from 'vitest';
import { MAX_CONCAT_INPUTS } from '../../src/runtime/ops/concat.ts';
import { pooledLength } from '../../src/runtime/ops/maxpool.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { ShapeError, type Shape } from '../../src/runtime/shape.ts';
import { outputShapes } from '../../src/runtime/validate.ts';

const shapes = (op: string, inputs: Shape[], attrs: object = {}) => outputShapes(getOp(op), inputs, attrs);

function expectShapeError(run: () => unknown, ...parts: string[]): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ShapeError);
  for (const p of parts) expect((caught as Error).message).toContain(p);
}

const net = { kernel: 3, stride: 2, ceilMode: true };

describe('maxpool output size', () => {
  it('halves the light CNN maps in ceil mode: 112 → 56, 56 → 28, 28 → 14', () => {
    expect(shapes('maxpool', [[1, 64, 112, 112]], net)).toEqual([[1, 64, 56, 56]]);
    expect(shapes('maxpool', [[2, 128, 56, 56]], net)).toEqual([[2, 128, 28, 28]]);
    expect(shapes('maxpool', [[2, 256, 28, 28]], net)).toEqual([[2, 256, 14, 14]]);
  });

  it('floor mode drops the partial window that ceil mode keeps', () => {
    expect(pooledLength(112, 3, 2, 0, false)).toBe(55);
    expect(pooledLength(8, 3, 2, 0, true)).toBe(4);
    expect(pooledLength(8, 3, 2, 0, false)).toBe(3);
    expect(pooledLength(7, 3, 2, 0, true)).toBe(3);
  });

  it('ceil mode drops a last window that would start in the right padding', () => {
    // ceil((5 + 2 - 2) / 2) + 1 = 4, but window 3 starts at 3·2 - 1 = 5 = H: dropped.
    expect(pooledLength(5, 2, 2, 1, true)).toBe(3);
    expect(pooledLength(3, 2, 2, 1, true)).toBe(2);
    // Here the last window starts at 4 - 1 = 3 < H and stays.
    expect(pooledLength(4, 2, 2, 1, true)).toBe(3);
    expect(shapes('maxpool', [[1, 1, 4, 5]], { kernel: 2, stride: 2, pad: 1, ceilMode: true })).toEqual([[1, 1, 3, 3]]);
  });
});

describe('maxpool rejects bad shapes and attributes', () => {
  it('names the input and its shape', () => {
    expectShapeError(() => shapes('maxpool', [[64, 112, 112]], net), 'maxpool', 'x must have rank 4', '[64,112,112]');
    expectShapeError(() => shapes('maxpool', [[1, 0, 4, 4]], net), 'maxpool', 'x', '[1,0,4,4]');
    expectShapeError(() => shapes('maxpool', [[1, 2, 2, 5]], net), 'maxpool', 'x [1,2,2,5] is smaller than kernel 3', 'H=2');
  });

  it('names the attribute and its value', () => {
    expectShapeError(() => shapes('maxpool', [[1, 1, 8, 8]], { ...net, kernel: 0 }), 'maxpool', 'kernel', 'got 0');
    expectShapeError(() => shapes('maxpool', [[1, 1, 8, 8]], { ...net, stride: 1.5 }), 'maxpool', 'stride', 'got 1.5');
    expectShapeError(() => shapes('maxpool', [[1, 1, 8, 8]], { ...net, pad: -1 }), 'maxpool', 'pad', 'got -1');
    expectShapeError(() => shapes('maxpool', [[1, 1, 8, 8]], { ...net, pad: 2 }), 'maxpool', 'pad 2', 'kernel 3');
    expectShapeError(() => shapes('maxpool', [[1, 1, 8, 8]], { kernel: 3, stride: 2 }), 'maxpool', 'ceilMode', 'undefined');
  });

  it('takes exactly one input', () => {
    expectShapeError(() => shapes('maxpool', [[1, 1, 8, 8], [1, 1, 8, 8]], net), 'maxpool', 'expects 1 inputs (x), got 2');
  });
});

describe('global_avg_pool shapes', () => {
  it('maps [N,C,H,W] to [N,C]', () => {
    expect(shapes('global_avg_pool', [[2, 320, 56, 56]])).toEqual([[2, 320]]);
  });

  it('rejects inputs that are not NCHW', () => {
    expectShapeError(() => shapes('global_avg_pool', [[2, 320]]), 'global_avg_pool', 'x must have rank 4', '[2,320]');
    expectShapeError(() => shapes('global_avg_pool', [[2, 320, 0, 56]]), 'global_avg_pool', 'x', '[2,320,0,56]');
  });
});

describe('concat shapes', () => {
  it('stacks channels of the light CNN: 64 + 64 → 128, 128 + 64 → 192, 192 + 128 → 320', () => {
    expect(shapes('concat', [[2, 64, 56, 56], [2, 64, 56, 56]])).toEqual([[2, 128, 56, 56]]);
    expect(shapes('concat', [[1, 128, 56, 56], [1, 64, 56, 56]])).toEqual([[1, 192, 56, 56]]);
    expect(shapes('concat', [[1, 192, 56, 56], [1, 128, 56, 56]])).toEqual([[1, 320, 56, 56]]);
  });

  it('takes any count from 1 to MAX_CONCAT_INPUTS', () => {
    expect(shapes('concat', [[3, 1, 5, 7], [3, 3, 5, 7], [3, 2, 5, 7]])).toEqual([[3, 6, 5, 7]]);
    expect(shapes('concat', [[2, 3, 4, 5]])).toEqual([[2, 3, 4, 5]]);
    const many = Array.from({ length: MAX_CONCAT_INPUTS }, (): Shape => [1, 1, 2, 2]);
    expect(shapes('concat', many)).toEqual([[1, MAX_CONCAT_INPUTS, 2, 2]]);
    expectShapeError(() => shapes('concat', []), 'concat', `expects 1 to ${MAX_CONCAT_INPUTS} inputs, got 0`);
    expectShapeError(() => shapes('concat', [...many, [1, 1, 2, 2]]), 'concat', `got ${MAX_CONCAT_INPUTS + 1}`);
  });

  it('names the input whose N, H or W differs, with both shapes', () => {
    expectShapeError(() => shapes('concat', [[2, 64, 56, 56], [1, 64, 56, 56]]), 'concat', 'x1 [1,64,56,56]', 'x0 [2,64,56,56]', 'N=2');
    expectShapeError(() => shapes('concat', [[1, 1, 5, 7], [1, 3, 5, 7], [1, 2, 5, 6]]), 'concat', 'x2 [1,2,5,6]', 'W=7');
    expectShapeError(() => shapes('concat', [[1, 1, 5, 7], [1, 3, 5]]), 'concat', 'x1 must have rank 4', '[1,3,5]');
  });
});

describe('the shared input-count check', () => {
  it('still names every input of a fixed-count op', () => {
    expectShapeError(() => shapes('add', [[1, 2]]), 'add', 'expects 2 inputs (a, b), got 1');
  });
});
