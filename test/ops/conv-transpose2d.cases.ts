import type { OpCase } from '../harness/op-case.ts';

/** Transposed-conv cases: the light-cnn's T layer, odd shapes and strides, gaps, padding. */
export const convTranspose2dCases: OpCase[] = [
  // The light-cnn's T layer (512→64, kernel 4, stride 4: the non-overlapping GEMM path), batch 1 and 2.
  { op: 'conv_transpose2d', inputs: [[1, 512, 14, 14], [512, 64, 4, 4], [64]], attrs: { stride: 4, pad: 0 } },
  { op: 'conv_transpose2d', inputs: [[2, 512, 14, 14], [512, 64, 4, 4], [64]], attrs: { stride: 4, pad: 0 } },
  // Same kernel and stride but padded: the general path on a large, channel-heavy shape.
  { op: 'conv_transpose2d', inputs: [[1, 64, 9, 9], [64, 24, 4, 4], [24]], attrs: { stride: 4, pad: 1 } },
  // Odd everything: rectangular kernel, different strides and pads per axis, channels not a multiple of 4.
  { op: 'conv_transpose2d', inputs: [[3, 5, 7, 6], [5, 4, 3, 2], [4]], attrs: { stride: [2, 3], pad: [1, 0] } },
  { op: 'conv_transpose2d', inputs: [[3, 5, 7, 6], [5, 7, 3, 2], [7]], attrs: { stride: [2, 3], pad: [1, 0] } },
  // Stride 1 (overlapping everywhere), with and without padding.
  { op: 'conv_transpose2d', inputs: [[2, 6, 5, 9], [6, 3, 3, 3], [3]], attrs: { stride: 1, pad: 1 } },
  { op: 'conv_transpose2d', inputs: [[1, 3, 4, 4], [3, 5, 2, 3], [5]] },
  // Kernel smaller than stride: gaps between stamps that must hold exactly b.
  { op: 'conv_transpose2d', inputs: [[2, 3, 5, 4], [3, 6, 2, 2], [6]], attrs: { stride: 3 } },
  { op: 'conv_transpose2d', inputs: [[1, 2, 3, 5], [2, 3, 1, 2], [3]], attrs: { stride: [4, 3], pad: [0, 1] } },
  // Kernel == stride: small GEMM path (Cout·KH·KW = 16, H·W = 24), and sizes it cannot tile (30, 15) → general path.
  { op: 'conv_transpose2d', inputs: [[2, 3, 4, 6], [3, 4, 2, 2], [4]], attrs: { stride: 2 } },
  { op: 'conv_transpose2d', inputs: [[3, 7, 3, 5], [7, 5, 2, 3], [5]], attrs: { stride: [2, 3] } },
  // A single input pixel, and an output narrower than the stride.
  { op: 'conv_transpose2d', inputs: [[2, 3, 1, 1], [3, 2, 3, 3], [2]], attrs: { stride: 5, pad: 1 } },
  // Edges inside 4-column tiles: kernel wider than 4 strides (forward lanes reading left of x and
  // right of it), and width 8 with padding (dx lanes reading left and right of dy).
  { op: 'conv_transpose2d', inputs: [[2, 3, 3, 5], [3, 4, 2, 6], [4]] },
  { op: 'conv_transpose2d', inputs: [[1, 2, 3, 8], [2, 3, 3, 3], [3]], attrs: { stride: 2, pad: 1 } },
  { op: 'conv_transpose2d', inputs: [[1, 2, 3, 8], [2, 3, 3, 5], [3]], attrs: { stride: 1, pad: [1, 4] } },
  { op: 'conv_transpose2d', inputs: [[2, 3, 5, 7], [3, 4, 3, 3], [4]], attrs: { stride: [1, 2], pad: [2, 1] } },
  // Pad large enough that whole kernel rows fall outside.
  { op: 'conv_transpose2d', inputs: [[1, 4, 6, 6], [4, 3, 5, 5], [3]], attrs: { stride: 2, pad: 3 } },
  // The activation attribute: the light-cnn's upsample → ELU (batch 2), the GEMM path at odd sizes, the general path.
  { op: 'conv_transpose2d', inputs: [[2, 512, 14, 14], [512, 64, 4, 4], [64]], attrs: { stride: 4, activation: 'elu' } },
  { op: 'conv_transpose2d', inputs: [[3, 7, 3, 5], [7, 5, 2, 3], [5]], attrs: { stride: [2, 3], activation: 'elu' } },
  { op: 'conv_transpose2d', inputs: [[2, 3, 4, 6], [3, 4, 2, 2], [4]], attrs: { stride: 2, activation: 'relu' } },
  { op: 'conv_transpose2d', inputs: [[3, 5, 7, 6], [5, 7, 3, 2], [7]], attrs: { stride: [2, 3], pad: [1, 0], activation: 'elu' } },
  { op: 'conv_transpose2d', inputs: [[2, 6, 5, 9], [6, 3, 3, 3], [3]], attrs: { stride: 1, pad: 1, activation: 'relu' } },
];

/** Small shapes for float64 finite differences of every backward (dx, dw, db). */
export const convTranspose2dGradCases: OpCase[] = [
  { op: 'conv_transpose2d', inputs: [[2, 3, 4, 3], [3, 2, 3, 2], [2]], attrs: { stride: [2, 3], pad: [1, 0] } },
  { op: 'conv_transpose2d', inputs: [[1, 2, 3, 3], [2, 3, 3, 3], [3]], attrs: { stride: 1, pad: 1 } },
  { op: 'conv_transpose2d', inputs: [[2, 2, 3, 2], [2, 2, 2, 2], [2]], attrs: { stride: 3 } },
  { op: 'conv_transpose2d', inputs: [[2, 4, 2, 3], [4, 3, 4, 4], [3]], attrs: { stride: 4 } },
  { op: 'conv_transpose2d', inputs: [[2, 4, 2, 3], [4, 3, 4, 4], [3]], attrs: { stride: 4, activation: 'elu' } },
  { op: 'conv_transpose2d', inputs: [[2, 3, 4, 3], [3, 2, 3, 2], [2]], attrs: { stride: [2, 3], pad: [1, 0], activation: 'elu' } },
  { op: 'conv_transpose2d', inputs: [[1, 2, 3, 3], [2, 3, 3, 3], [3]], attrs: { stride: 1, pad: 1, activation: 'relu' } },
];
