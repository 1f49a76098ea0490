import type { OpCase } from '../harness/op-case.ts';

/** Element-wise op cases: odd sizes, batch > 1 and the net's real layer shapes. */
export const pointwiseCases: OpCase[] = [
  { op: 'elu', inputs: [[3, 5, 7, 9]] },
  { op: 'elu', inputs: [[1, 64, 112, 112]] },
  { op: 'elu', inputs: [[2, 3, 5, 5]], attrs: { alpha: 0.5 } },
  { op: 'relu', inputs: [[3, 5, 7, 9]] },
  { op: 'relu', inputs: [[2, 128, 56, 56]] },
  { op: 'add', inputs: [[3, 7, 5, 3], [3, 7, 5, 3]] },
  { op: 'add', inputs: [[2, 512, 14, 14], [2, 512, 14, 14]] },
  { op: 'dropout', inputs: [[3, 5, 7, 9]], attrs: { p: 0.5, seed: 7 } },
  { op: 'dropout', inputs: [[2, 320]], attrs: { p: 0.25, seed: 123456789 } },
];

/** Small shapes for finite differences; ReLU and dropout are checked away from their kinks by the random data. */
export const pointwiseGradCases: OpCase[] = [
  { op: 'elu', inputs: [[2, 3, 4, 5]] },
  { op: 'elu', inputs: [[1, 2, 3, 3]], attrs: { alpha: 0.7 } },
  { op: 'relu', inputs: [[2, 3, 4, 5]] },
  { op: 'add', inputs: [[2, 3, 3, 3], [2, 3, 3, 3]] },
  { op: 'dropout', inputs: [[2, 3, 4, 5]], attrs: { p: 0.3, seed: 11 } },
];
