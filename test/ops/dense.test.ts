import { describeOpCases } from '../harness/describe-op-cases.ts';
import { denseCases, denseGradCases } from './dense.cases.ts';

describeOpCases('dense', denseCases, denseGradCases);
