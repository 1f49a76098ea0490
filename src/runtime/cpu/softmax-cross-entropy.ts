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

/** The smoothed target of class k for a row labelled `label`: (1 − ε)·[k = label] + ε/K. */
export function smoothedTarget(k: number, label: number, smoothing: number, classes: number): number {
  return (k === label ? 1 - smoothing : 0) + smoothing / classes;
}

/**
 * Σ_n wt[label_n]·Σ_k −t_nk·log softmax(logits_n)[k] / Σ_n wt[label_n], t the smoothed target
 * (smoothing 0: the one-hot label), with −log softmax = log Σ exp(logits − max) − (logit − max)
 * (no log of a tiny probability).
 */
export function weightedCrossEntropy(logits: Arr, labels: Arr, classWeights: Arr, d: XentDims, smoothing = 0): number {
  let weighted = 0;
  for (let n = 0; n < d.rows; n++) {
    const row = n * d.classes;
    let max = -Infinity;
    for (let k = 0; k < d.classes; k++) max = Math.max(max, logits[row + k]);
    let sum = 0;
    for (let k = 0; k < d.classes; k++) sum += Math.exp(logits[row + k] - max);
    const label = labels[n];
    let nll = 0;
    for (let k = 0; k < d.classes; k++) {
      const t = smoothedTarget(k, label, smoothing, d.classes);
      if (t !== 0) nll += t * (Math.log(sum) - (logits[row + k] - max));
    }
    weighted += classWeights[label] * nll;
  }
  return weighted / weightTotal(labels, classWeights);
}

/** dlogits[n,k] = dloss·wt[label_n]·(probs[n,k] − t_nk) / Σ wt, t the smoothed target. */
export function crossEntropyGrad(probs: Arr, labels: Arr, classWeights: Arr, dloss: number, d: XentDims, smoothing = 0): Arr {
  const dlogits = zerosLike(probs, probs.length);
  const scale = dloss / weightTotal(labels, classWeights);
  for (let n = 0; n < d.rows; n++) {
    const label = labels[n];
    const w = classWeights[label] * scale;
    for (let k = 0; k < d.classes; k++) {
      dlogits[n * d.classes + k] = w * (probs[n * d.classes + k] - smoothedTarget(k, label, smoothing, d.classes));
    }
  }
  return dlogits;
}
