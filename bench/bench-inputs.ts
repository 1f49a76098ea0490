import type { GraphSpec } from '../src/nets/graph.ts';
import { initialWeights } from '../src/nets/init.ts';
import { Random } from '../src/runtime/random.ts';

/** Every implementation in a run uses these weights and inputs, in Node and in the page alike. */
export const WEIGHT_SEED = 1;
const INPUT_SEED = 7;

export const benchWeights = (spec: GraphSpec): Map<string, Float32Array> => initialWeights(spec, WEIGHT_SEED);

/**
 * A batch of `batch` images [N, C, H, W] of standard normal noise. A smaller batch is the first
 * images of a larger one, so one reference at the largest batch serves every batch size.
 */
export function benchInput(spec: GraphSpec, batch: number): Float32Array {
  const [c, h, w] = spec.inputShape;
  return new Random(INPUT_SEED).normals(batch * c * h * w);
}

/** Alternating class labels 0, 1, 0, … for a training step. */
export const benchLabels = (batch: number): Float32Array => Float32Array.from({ length: batch }, (_, i) => i % 2);

/** SGD settings of the training-step cases; the learning rate is small so repeated steps stay finite. */
export const BENCH_SGD = { lr: 1e-4, momentum: 0.9, weightDecay: 1e-4 };
