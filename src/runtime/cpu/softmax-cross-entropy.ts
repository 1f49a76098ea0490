import { zerosLike, type Arr } from '../host-tensor.ts';

/** Sizes of logits [rows, classes]. */
export interface XentDims {
  rows: number;
  classes: number;
}

/** Row-wise softmax, shifted by the row max so exp never overflows. */
export function softmaxRows(logits: Arr, d: XentDims): Arr {
  const probs = zerosLike(logits, logits.length);
  for (let n = 0; n < d.rows; n++) {
    const row = n * d.classes;
    let max = -Infinity;
    for (let k = 0; k < d.classes; k++) max = Math.max(max, logits[row + k]);
    let sum = 0;
    for (let k = 0; k < d.classes; k++) sum += Math.exp(logits[row + k] - max);
    for (let k = 0; k < d.classes; k++) probs[row + k] = Math.exp(logits[row + k] - max) / sum;
  }
  return probs;
}

/** Σ_n wt[label_n]: the weighted mean's denominator. */
export function weightTotal(labels: Arr, classWeights: Arr): number {
  let total = 0;
  for (let n = 0; n < labels.length; n++) total += classWeights[labels[n]];
  return total;
}

/**
 * Σ_n wt[label_n]·(−log softmax(logits_n)[label_n]) / Σ_n wt[label_n], with
 * −log softmax = log Σ exp(logits − max) − (logit_label − max) (no log of a tiny probability).
 */
export function weightedCrossEntropy(logits: Arr, labels: Arr, classWeights: Arr, d: XentDims): number {
  let weighted = 0;
  for (let n = 0; n < d.rows; n++) {
    const row = n * d.classes;
    let max = -Infinity;
    for (let k = 0; k < d.classes; k++) max = Math.max(max, logits[row + k]);
    let sum = 0;
    for (let k = 0; k < d.classes; k++) sum += Math.exp(logits[row + k] - max);
    const label = labels[n];
    weighted += classWeights[label] * (Math.log(sum) - (logits[row + label] - max));
  }
  return weighted / weightTotal(labels, classWeights);
}

/** dlogits[n,k] = dloss·wt[label_n]·(probs[n,k] − [k = label_n]) / Σ wt. */
export function crossEntropyGrad(probs: Arr, labels: Arr, classWeights: Arr, dloss: number, d: XentDims): Arr {
  const dlogits = zerosLike(probs, probs.length);
  const scale = dloss / weightTotal(labels, classWeights);
  for (let n = 0; n < d.rows; n++) {
    const label = labels[n];
    const w = classWeights[label] * scale;
    for (let k = 0; k < d.classes; k++) {
      dlogits[n * d.classes + k] = w * (probs[n * d.classes + k] - (k === label ? 1 : 0));
    }
  }
  return dlogits;
}
