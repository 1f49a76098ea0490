/** Binary classification scores with COVID (label 1) as the positive class. */
export interface BinaryMetrics {
  n: number;
  accuracy: number | null;
  /** Recall of COVID: TP / (TP + FN). */
  sensitivity: number | null;
  /** Recall of NonCOVID: TN / (TN + FP). */
  specificity: number | null;
  /** TP / (TP + FP). */
  precision: number | null;
  /** 2TP / (2TP + FP + FN). */
  f1: number | null;
  /** Area under the ROC curve of P(COVID). */
  auc: number | null;
  /** [[TN, FP], [FN, TP]]: rows are the true class, columns the predicted one. */
  confusion: [[number, number], [number, number]];
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

/**
 * Scores of P(COVID) against labels (0 NonCOVID, 1 COVID). An image is predicted COVID when
 * P(COVID) > 0.5, as `predict` labels it. A score whose denominator counts a class that is
 * absent is null: sensitivity, F1 and AUC need COVID images, specificity and AUC need
 * NonCOVID images, precision needs at least one COVID prediction, accuracy any image.
 */
export function binaryMetrics(labels: ArrayLike<number>, pCovid: ArrayLike<number>): BinaryMetrics {
  if (labels.length !== pCovid.length) throw new RangeError(`binaryMetrics: ${labels.length} labels but ${pCovid.length} scores`);
  let [tn, fp, fn, tp] = [0, 0, 0, 0];
  for (let i = 0; i < labels.length; i++) {
    const covid = labels[i] === 1;
    if (Number.isNaN(pCovid[i])) throw new RangeError(`binaryMetrics: score ${i} is NaN (a diverged net?); it would count as a NonCOVID prediction`);
    const predicted = pCovid[i] > 0.5;
    if (covid && predicted) tp++;
    else if (covid) fn++;
    else if (predicted) fp++;
    else tn++;
  }
  const positives = tp + fn;
  return {
    n: labels.length,
    accuracy: ratio(tp + tn, labels.length),
    sensitivity: ratio(tp, positives),
    specificity: ratio(tn, tn + fp),
    precision: ratio(tp, tp + fp),
    f1: positives === 0 ? null : ratio(2 * tp, 2 * tp + fp + fn),
    auc: rocAuc(labels, pCovid),
    confusion: [[tn, fp], [fn, tp]],
  };
}

/**
 * ROC AUC by ranks (Mann–Whitney U): the chance that a random COVID image scores above a
 * random NonCOVID one, ties counting half, which is what averaging the ranks of tied scores
 * gives. Null without both classes, or when a score is NaN (it has no rank).
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  if (order.some((i) => Number.isNaN(scores[i]))) return null;
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    const meanRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (labels[order[k]] === 1) {
        positives++;
        positiveRankSum += meanRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
