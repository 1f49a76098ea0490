import type { OpCase } from '../harness/op-case.ts';
import { pointwiseCases } from './pointwise.cases.ts';

/** Every op case of every family: the headless-Chromium run and the coverage test use this list. */
export const allOpCases: OpCase[] = [...pointwiseCases];
