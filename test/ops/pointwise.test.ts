import { describeOpCases } from '../harness/describe-op-cases.ts';
import { pointwiseCases, pointwiseGradCases } from './pointwise.cases.ts';

describeOpCases('pointwise ops (elu, relu, add, dropout)', pointwiseCases, pointwiseGradCases);
