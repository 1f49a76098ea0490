import type { Net } from '../nets/net.ts';
import { netInput, type ImageSet } from './image-set.ts';
import { populationOrder } from './random-streams.ts';

/**
 * How a trained net's BN layers get the statistics they normalise with at inference:
 * 'moving', the running averages kept during training (momentum 0.1, so mostly the last few
 * augmented batches); 'population', re-estimated after training over the training images as
 * they are, without augmentation, as MATLAB (the paper's tool) finalises them.
 */
export type BnStatistics = 'moving' | 'population';
export const BN_STATISTICS: readonly BnStatistics[] = ['moving', 'population'];

/**
 * Replaces every BN layer's running mean and variance by their average over `set`, `batch`
 * images at a time in training mode: each batch is normalised by its own statistics, as in
 * training, and the running values become the batches' statistics averaged with weights by
 * batch size (PyTorch's swa_utils.update_bn does the same). The first batch's momentum of 1
 * overwrites whatever the layers held, so the result depends only on the weights and the set.
 * The batches are drawn in populationOrder: the average of their variances leaves out how far
 * the batch means lie apart, which is no loss for random batches (their unbiased variances
 * average to the set's) but was, for batches in the set's order of one class and one patient
 * each, 4–7% of the variance (session 25's audit).
 */
export function estimatePopulationStatistics(net: Net, set: ImageSet, batch: number): void {
  const [channels, height, width] = net.spec.inputShape;
  const values = channels * height * width;
  const order = populationOrder(set.count);
  for (let start = 0; start < set.count; start += batch) {
    const picked = order.slice(start, start + batch);
    const n = picked.length;
    const input = new Float32Array(n * values);
    picked.forEach((image, i) => input.set(netInput(set, values, image, 1), i * values));
    const x = net.backend.tensor([n, channels, height, width], input);
    net.release(net.forward(x, 'train', { bnMomentum: n / (start + n) }));
    x.dispose();
  }
}
