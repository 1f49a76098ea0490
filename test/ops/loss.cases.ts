import type { OpCase } from '../harness/op-case.ts';

/** logits [n,k] normal, labels drawn from 0..k-1, positive class weights. */
const xent = (n: number, k: number, smoothing?: number): OpCase => ({
  op: 'softmax_cross_entropy',
  inputs: [[n, k], [n], [k]],
  fill: ['normal', { labels: k }, 'positive'],
  ...(smoothing === undefined ? {} : { attrs: { smoothing } }),
});

/** The light-cnn's two classes at batch 1 and > 1, and odd sizes; with label smoothing too. */
export const lossCases: OpCase[] = [xent(1, 2), xent(8, 2), xent(5, 7), xent(33, 10), xent(3, 1), xent(8, 2, 0.1), xent(5, 7, 0.3)];

export const lossGradCases: OpCase[] = [xent(4, 3), xent(1, 2), xent(6, 5), xent(4, 2, 0.1), xent(6, 5, 0.25)];
