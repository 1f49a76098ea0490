import { describeOpCases } from '../harness/describe-op-cases.ts';
import { conv2dCases, conv2dGradCases } from './conv2d.cases.ts';

describeOpCases('conv2d', conv2dCases, conv2dGradCases);
