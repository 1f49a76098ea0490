import type { Net } from '../nets/net.ts';
import { inferLogits } from './evaluate.ts';
import type { ImageSet } from './image-set.ts';

/**
 * The logits the net gives the first `count` images of `set` in inference mode when they are all
 * the same (at least two images), else null. A ReLU in front of the logits (squeezenet's
 * classifier) that outputs zero for every input passes no gradient back, so nothing revives it
 * and the rest of the run would be wasted. Inference mode, because in training the dropout in
 * front of that ReLU lets an output through now and then: the probabilities then differ a little
 * from image to image, but not enough to revive it.
 */
export async function collapsedLogits(net: Net, set: ImageSet, count: number): Promise<Float32Array | null> {
  const n = Math.min(count, set.count);
  if (n < 2) return null;
  const logits = await inferLogits(net, set, 0, n);
  const classes = logits.length / n;
  const first = logits.slice(0, classes);
  return logits.every((v, i) => v === first[i % classes]) ? first : null;
}
