import type { OpCase } from '../harness/op-case.ts';

const cosine = (n: number, d: number, temperature?: number): OpCase => ({
  op: 'cosine_similarity',
  inputs: [[n, d]],
  ...(temperature === undefined ? {} : { attrs: { temperature } }),
});

/** Contrastive pretraining's 2 × 16 views of 128 projections, and odd widths and row counts, a single pair and sharp temperatures. */
export const cosineSimilarityCases: OpCase[] = [cosine(32, 128), cosine(2, 3), cosine(6, 5), cosine(10, 7, 0.1), cosine(34, 1, 2), cosine(3, 4)];

export const cosineSimilarityGradCases: OpCase[] = [cosine(4, 3), cosine(6, 5, 0.2), cosine(8, 2, 1.5), cosine(2, 4), cosine(5, 3)];
