import type { OpCase } from '../harness/op-case.ts';

const dense = (n: number, k: number, m: number): OpCase => ({ op: 'dense', inputs: [[n, k], [m, k], [m]] });

/** The light-cnn's classifier (320 → 2) at batch 1 and > 1, and odd sizes. */
export const denseCases: OpCase[] = [
  dense(1, 320, 2),
  dense(4, 320, 2),
  dense(5, 37, 11),
  dense(3, 1, 4),
  dense(7, 301, 65),
];

export const denseGradCases: OpCase[] = [dense(3, 5, 4), dense(1, 7, 2), dense(2, 1, 3)];
