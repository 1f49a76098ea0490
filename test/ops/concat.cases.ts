import type { OpCase } from '../harness/op-case.ts';

/**
 * Channel concat: one, two and three inputs, odd sizes, batch > 1, the net's shapes. Up to 16 image slices
 * (N·inputs) the GPU copies buffers; the [9,…] case has more and runs the shaders.
 */
export const concatCases: OpCase[] = [
  { op: 'concat', inputs: [[3, 1, 5, 7], [3, 3, 5, 7], [3, 2, 5, 7]] },
  { op: 'concat', inputs: [[2, 3, 4, 5]] },
  { op: 'concat', inputs: [[1, 2, 1, 1], [1, 5, 1, 1]] },
  { op: 'concat', inputs: [[2, 4, 3, 3], [2, 1, 3, 3], [2, 4, 3, 3], [2, 2, 3, 3]] },
  // A fire module's expand1 ‖ expand3 at 56 × 56.
  { op: 'concat', inputs: [[2, 64, 56, 56], [2, 64, 56, 56]] },
  // light-cnn X = S ‖ T and F = X ‖ W.
  { op: 'concat', inputs: [[1, 128, 56, 56], [1, 64, 56, 56]] },
  { op: 'concat', inputs: [[2, 192, 56, 56], [2, 128, 56, 56]] },
  { op: 'concat', inputs: [[9, 3, 5, 7], [9, 1, 5, 7]] },
];

export const concatGradCases: OpCase[] = [
  { op: 'concat', inputs: [[2, 1, 3, 4], [2, 3, 3, 4], [2, 2, 3, 4]] },
  { op: 'concat', inputs: [[1, 2, 2, 3]] },
  { op: 'concat', inputs: [[2, 2, 3, 1], [2, 1, 3, 1]] },
];
