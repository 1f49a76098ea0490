import { describeOpCases } from '../harness/describe-op-cases.ts';
import { concatCases, concatGradCases } from './concat.cases.ts';

describeOpCases('concat', concatCases, concatGradCases);
