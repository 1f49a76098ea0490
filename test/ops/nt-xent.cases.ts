import type { OpCase } from '../harness/op-case.ts';

const ntXent = (n: number, d: number, temperature?: number): OpCase => ({
  op: 'nt_xent',
  inputs: [[n, d]],
  ...(temperature === undefined ? {} : { attrs: { temperature } }),
});

/** Contrastive pretraining's 2 × 16 views of 128 projections, and odd widths, a single pair and sharp temperatures. */
export const ntXentCases: OpCase[] = [ntXent(32, 128), ntXent(2, 3), ntXent(6, 5), ntXent(10, 7, 0.1), ntXent(34, 1, 2)];

export const ntXentGradCases: OpCase[] = [ntXent(4, 3), ntXent(6, 5, 0.2), ntXent(8, 2, 1.5), ntXent(2, 4)];
