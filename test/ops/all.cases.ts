import type { OpCase } from '../harness/op-case.ts';
import { batchnormCases, batchnormGradCases } from './batchnorm.cases.ts';
import { concatCases, concatGradCases } from './concat.cases.ts';
import { conv2dCases, conv2dGradCases } from './conv2d.cases.ts';
import { convTranspose2dCases, convTranspose2dGradCases } from './conv-transpose2d.cases.ts';
import { denseCases, denseGradCases } from './dense.cases.ts';
import { fireExpandCases, fireExpandGradCases } from './fire-expand.cases.ts';
import { lossCases, lossGradCases } from './loss.cases.ts';
import { cosineSimilarityCases, cosineSimilarityGradCases } from './cosine-similarity.cases.ts';
import { pointwiseCases, pointwiseGradCases } from './pointwise.cases.ts';
import { poolCases, poolGradCases } from './pool.cases.ts';
import { sgdCases } from './sgd.cases.ts';

/** Every op case of every family: the headless-Chromium run, the self-check and the coverage test use this list. */
export const allOpCases: OpCase[] = [
  ...pointwiseCases, ...poolCases, ...concatCases, ...batchnormCases, ...denseCases,
  ...lossCases, ...cosineSimilarityCases, ...sgdCases, ...convTranspose2dCases, ...conv2dCases, ...fireExpandCases,
];

/** Every finite-difference case; the coverage test checks each op with a backward has some. */
export const allGradCases: OpCase[] = [
  ...pointwiseGradCases, ...poolGradCases, ...concatGradCases, ...batchnormGradCases, ...denseGradCases,
  ...lossGradCases, ...cosineSimilarityGradCases, ...convTranspose2dGradCases, ...conv2dGradCases, ...fireExpandGradCases,
];
