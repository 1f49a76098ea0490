import { describeOpCases } from '../harness/describe-op-cases.ts';
import { batchnormCases, batchnormGradCases } from './batchnorm.cases.ts';

describeOpCases('batchnorm', batchnormCases, batchnormGradCases);
