import { softmaxRows as softmaxTwin } from '../runtime/cpu/softmax-cross-entropy.ts';

/** Row-wise softmax of [rows, classes] logits read back from a backend: the probabilities. */
export const softmaxRows = (logits: Float32Array, classes: number): Float32Array =>
  softmaxTwin(logits, { rows: logits.length / classes, classes }) as Float32Array;
