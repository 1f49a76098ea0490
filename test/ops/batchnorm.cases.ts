import type { Fill, OpCase } from '../harness/op-case.ts';

// x, gamma, beta, runningMean: normal; runningVar: positive (a variance).
const fill: Fill[] = ['normal', 'normal', 'normal', 'normal', 'positive'];
const train = { training: true };
const infer = { training: false };

const bn = (x: [number, number, number, number], attrs: object, xFill: Fill = 'normal'): OpCase => {
  const c = [x[1]];
  return { op: 'batchnorm', inputs: [x, c, c, c, c], attrs, fill: [xFill, ...fill.slice(1)] };
};

/** Odd sizes, batch 1 and > 1, and the squeeze outputs of the light-cnn's fires. */
export const batchnormCases: OpCase[] = [
  bn([3, 5, 7, 9], train),
  bn([3, 5, 7, 9], infer),
  bn([2, 7, 3, 1], { training: true, eps: 1e-3, momentum: 0.3 }),
  // momentum 1: the running statistics become the batch ones, so a biased running variance would show.
  bn([3, 4, 1, 1], { training: true, momentum: 1 }),
  bn([1, 3, 1, 2], train),
  bn([4, 3, 5, 5], train, 'positive'),
  bn([1, 16, 56, 56], train),
  bn([2, 16, 56, 56], train),
  bn([2, 32, 28, 28], train),
  bn([2, 48, 14, 14], train),
  bn([2, 64, 14, 14], train),
  bn([2, 64, 14, 14], infer),
  bn([1, 16, 56, 56], infer),
];

/** Small shapes for finite differences, in both modes; batch 1 and 1×1 planes included. */
export const batchnormGradCases: OpCase[] = [
  bn([2, 3, 4, 5], train),
  bn([1, 2, 3, 3], train),
  bn([3, 2, 1, 1], { training: true, eps: 1e-3 }),
  bn([2, 3, 4, 5], infer),
  bn([1, 2, 3, 3], { training: false, eps: 0.1 }),
];
