import type { OpCase } from '../harness/op-case.ts';
import { concatCases } from './concat.cases.ts';
import { pointwiseCases } from './pointwise.cases.ts';
import { poolCases } from './pool.cases.ts';

/** Every op case of every family: the headless-Chromium run and the coverage test use this list. */
export const allOpCases: OpCase[] = [...pointwiseCases, ...poolCases, ...concatCases];
