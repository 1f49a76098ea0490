import type { OpCase } from '../harness/op-case.ts';

// inputs: x [N,C,H,W], w [O,C,KH,KW], b [O]
const conv = (x: number[], w: number[], attrs: object, tol: { atol?: number; rtol?: number } = {}): OpCase =>
  ({ op: 'conv2d', inputs: [x, w, [w[0]]], attrs, ...tol });

// Sums of hundreds to thousands of products in float32 on the GPU against
// float64-accumulated JS: error grows with the length of the sum.
const long = { atol: 5e-4, rtol: 2e-3 };
const veryLong = { atol: 2e-3, rtol: 5e-3 };

/** Odd shapes for every code path, then the light-cnn's own layers (spec/light-cnn.md) at batch 1 and 2. */
export const conv2dCases: OpCase[] = [
  conv([3, 5, 9, 7], [7, 5, 3, 2], { stride: [2, 1], pad: [1, 0] }),
  conv([2, 3, 11, 13], [5, 3, 5, 5], { stride: 3, pad: 2 }),
  conv([1, 2, 7, 7], [3, 2, 4, 4], { stride: 2, pad: 0 }),
  conv([2, 6, 5, 9], [9, 6, 1, 1], {}),
  conv([2, 7, 6, 5], [6, 7, 1, 1], { stride: 2, pad: 1 }),
  conv([1, 3, 8, 8], [5, 3, 3, 3], { stride: 1, pad: 1 }),
  conv([3, 1, 10, 6], [2, 1, 3, 3], { stride: [1, 2], pad: [0, 1] }),
  conv([1, 1, 2, 2], [1, 1, 2, 2], {}),
  conv([2, 5, 4, 4], [3, 5, 2, 2], { pad: 3 }),
  // 3×3 stride 1 (its own kernels): rows wider than one 16-pixel tile, channels not a multiple of 8, any padding
  conv([2, 5, 7, 19], [11, 5, 3, 3], { pad: 1 }),
  conv([1, 3, 6, 5], [4, 3, 3, 3], { pad: 0 }),
  conv([2, 2, 5, 18], [3, 2, 3, 3], { pad: [2, 0] }),
  conv([1, 2, 4, 4], [3, 2, 3, 3], { pad: 3 }),
  conv([1, 1, 3, 3], [1, 1, 3, 3], { pad: 1 }),
  // 1×1 stride 1 (a GEMM): channels not a multiple of 4, pixels not a multiple of 8
  conv([3, 9, 3, 7], [5, 9, 1, 1], {}),
  conv([1, 1, 1, 1], [1, 1, 1, 1], {}),
  // conv1: conv(3,2,1, 1→64)
  conv([1, 1, 224, 224], [64, 1, 3, 3], { stride: 2, pad: 1 }),
  conv([2, 1, 64, 64], [64, 1, 3, 3], { stride: 2, pad: 1 }),
  conv([2, 3, 33, 31], [64, 3, 3, 3], { stride: 2, pad: 1 }),
  // squeeze 1×1
  conv([1, 128, 56, 56], [16, 128, 1, 1], {}, long),
  conv([2, 256, 28, 28], [32, 256, 1, 1], {}, long),
  conv([1, 512, 14, 14], [64, 512, 1, 1], {}, long),
  // expand1 1×1 and expand3 3×3 pad 1
  conv([2, 16, 56, 56], [64, 16, 1, 1], {}, long),
  conv([1, 16, 56, 56], [64, 16, 3, 3], { pad: 1 }, long),
  conv([2, 16, 56, 56], [64, 16, 3, 3], { pad: 1 }, veryLong),
  conv([2, 64, 14, 14], [256, 64, 3, 3], { pad: 1 }, long),
  conv([1, 48, 14, 14], [192, 48, 3, 3], { pad: 1 }, long),
  // the 1×1 "weighted sum" head conv
  conv([1, 192, 56, 56], [128, 192, 1, 1], {}, veryLong),
  // the activation attribute on every kernel: generic, 1×1, 3×3 stride 1 and 2 (odd sizes, batch > 1), then the net's fused convs
  conv([3, 5, 9, 7], [7, 5, 3, 2], { stride: [2, 1], pad: [1, 0], activation: 'elu' }),
  conv([2, 3, 11, 13], [5, 3, 5, 5], { stride: 3, pad: 2, activation: 'relu' }),
  conv([3, 9, 3, 7], [5, 9, 1, 1], { activation: 'elu' }),
  conv([2, 6, 5, 9], [9, 6, 1, 1], { activation: 'relu' }),
  conv([2, 5, 7, 19], [11, 5, 3, 3], { pad: 1, activation: 'elu' }),
  conv([1, 3, 6, 5], [4, 3, 3, 3], { pad: 0, activation: 'relu' }),
  conv([2, 3, 33, 31], [13, 3, 3, 3], { stride: 2, pad: 1, activation: 'elu' }),
  conv([2, 1, 37, 41], [8, 1, 3, 3], { stride: 2, pad: 1, activation: 'relu' }),
  conv([1, 1, 224, 224], [64, 1, 3, 3], { stride: 2, pad: 1, activation: 'elu' }),
  conv([2, 192, 56, 56], [128, 192, 1, 1], { activation: 'elu' }, veryLong),
];

/** Small shapes for float64 finite differences of dx, dw and db. */
export const conv2dGradCases: OpCase[] = [
  conv([2, 3, 5, 4], [4, 3, 3, 2], { stride: [2, 1], pad: [1, 0] }),
  conv([1, 2, 7, 7], [3, 2, 3, 3], { stride: 3, pad: 2 }),
  conv([2, 3, 4, 4], [2, 3, 1, 1], {}),
  conv([1, 2, 6, 6], [3, 2, 3, 3], { stride: 1, pad: 1 }),
  conv([1, 1, 6, 6], [2, 1, 3, 3], { stride: 2, pad: 1 }),
  conv([1, 2, 3, 4], [2, 2, 3, 3], { pad: 3 }),
  conv([2, 3, 5, 4], [4, 3, 3, 2], { stride: [2, 1], pad: [1, 0], activation: 'elu' }),
  conv([2, 3, 4, 5], [3, 3, 1, 1], { activation: 'elu' }),
  conv([1, 2, 6, 6], [3, 2, 3, 3], { stride: 1, pad: 1, activation: 'relu' }),
  conv([2, 1, 6, 7], [2, 1, 3, 3], { stride: 2, pad: 1, activation: 'elu' }),
];
