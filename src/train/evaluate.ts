import type { Net } from '../nets/net.ts';
import { softmaxRows, weightedCrossEntropy } from '../runtime/cpu/softmax-cross-entropy.ts';
import { CLASS_NAMES } from './data/classes.ts';
import { netInput, type ImageSet } from './image-set.ts';

const COVID = CLASS_NAMES.indexOf('COVID');

/** The logits of `count` images of the set from `start` on, in inference mode, one batch. */
export async function inferLogits(net: Net, set: ImageSet, start: number, count: number): Promise<Float32Array> {
  const [channels, height, width] = net.spec.inputShape;
  const x = net.backend.tensor([count, channels, height, width], netInput(set, channels * height * width, start, count));
  const pass = net.forward(x, 'infer');
  const logits = await pass.logits.read();
  net.release(pass);
  x.dispose();
  return logits;
}

/** P(COVID) of every image of the set and their mean (unweighted) cross-entropy, in inference mode, `batch` images at a time. */
export async function predictSet(net: Net, set: ImageSet, batch: number): Promise<{ pCovid: Float32Array; loss: number }> {
  const classes = CLASS_NAMES.length;
  const pCovid = new Float32Array(set.count);
  let lossSum = 0;
  for (let start = 0; start < set.count; start += batch) {
    const n = Math.min(batch, set.count - start);
    const logits = await inferLogits(net, set, start, n);
    const labels = set.labels.subarray(start, start + n);
    const probs = softmaxRows(logits, { rows: n, classes });
    for (let i = 0; i < n; i++) pCovid[start + i] = probs[i * classes + COVID];
    lossSum += n * weightedCrossEntropy(logits, labels, new Float32Array(classes).fill(1), { rows: n, classes });
  }
  return { pCovid, loss: set.count ? lossSum / set.count : NaN };
}
