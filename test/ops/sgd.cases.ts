import type { OpCase } from '../harness/op-case.ts';

const sgd = (shape: number[], lr: number, momentum: number, weightDecay: number): OpCase => ({
  op: 'sgd',
  inputs: [shape, shape, shape],
  attrs: { lr, momentum, weightDecay },
});

/** Odd sizes, the dense weight and the largest net parameter (transposed-conv weight, 512·64·4·4). */
export const sgdCases: OpCase[] = [
  sgd([37], 0.1, 0, 0),
  sgd([3, 5, 7, 9], 0.05, 0.5, 0.01),
  sgd([2, 320], 0.01, 0.9, 1e-4),
  sgd([512, 64, 4, 4], 0.01, 0.9, 5e-4),
];
