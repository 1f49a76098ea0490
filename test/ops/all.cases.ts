import type { OpCase } from '../harness/op-case.ts';
import { batchnormCases } from './batchnorm.cases.ts';
import { concatCases } from './concat.cases.ts';
import { conv2dCases } from './conv2d.cases.ts';
import { convTranspose2dCases } from './conv-transpose2d.cases.ts';
import { denseCases } from './dense.cases.ts';
import { lossCases } from './loss.cases.ts';
import { pointwiseCases } from './pointwise.cases.ts';
import { poolCases } from './pool.cases.ts';
import { sgdCases } from './sgd.cases.ts';

/** Every op case of every family: the headless-Chromium run and the coverage test use this list. */
export const allOpCases: OpCase[] = [...pointwiseCases, ...poolCases, ...concatCases, ...batchnormCases, ...denseCases, ...lossCases, ...sgdCases, ...convTranspose2dCases, ...conv2dCases];
