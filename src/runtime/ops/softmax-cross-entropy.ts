import source from '../../../shaders/loss.wgsl?raw';
import { crossEntropyGrad, softmaxRows, weightedCrossEntropy, type XentDims } from '../cpu/softmax-cross-entropy.ts';
import { host, zerosLike } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, checkDims, fmt, type Shape } from '../shape.ts';

const OP = 'softmax_cross_entropy';

/** [loss [1], probs [N,K]] of logits [N,K], labels [N] and classWeights [K]. */
export function softmaxCrossEntropyShape(logits: Shape, labels: Shape, classWeights: Shape): Shape[] {
  checkDims(OP, 'logits', logits, 2);
  const [n, k] = logits;
  if (labels.length !== 1 || labels[0] !== n) throw new ShapeError(OP, `labels must have shape [${n}] (the rows of logits ${fmt(logits)}), got ${fmt(labels)}`);
  if (classWeights.length !== 1 || classWeights[0] !== k) {
    throw new ShapeError(OP, `classWeights must have shape [${k}] (the classes of logits ${fmt(logits)}), got ${fmt(classWeights)}`);
  }
  return [[1], logits];
}

/**
 * Throws unless every label is a class index in [0, classes). The CPU path calls
 * it; a GPU kernel cannot throw (it gives a bad row weight 0), so code that
 * uploads labels for the GPU calls it on the host data first.
 */
export function checkLabels(labels: ArrayLike<number>, classes: number): void {
  for (let n = 0; n < labels.length; n++) {
    const v = labels[n];
    if (!Number.isInteger(v) || v < 0 || v >= classes) throw new ShapeError(OP, `labels[${n}] = ${v} is not a class index in [0, ${classes})`);
  }
}

/** smoothing ε: the target of each row is (1 − ε)·onehot(label) + ε/K (label smoothing); 0 by default. */
export interface XentAttrs { smoothing?: number }

function smoothingOf(attrs: XentAttrs): number {
  const { smoothing = 0 } = attrs;
  if (!(smoothing >= 0 && smoothing < 1)) throw new ShapeError(OP, `smoothing must be in [0, 1), got ${smoothing}`);
  return smoothing;
}

const dimsOf = (logits: Shape): XentDims => ({ rows: logits[0], classes: logits[1] });
const gpuDims = (logits: Shape, attrs: XentAttrs) => ({ n: logits[0], k: logits[1], smoothing: smoothingOf(attrs) });

/**
 * Numerically stable softmax with weighted-mean cross-entropy, as PyTorch's
 * CrossEntropyLoss(weight=classWeights, label_smoothing=smoothing); ones as weights give
 * plain CE. Outputs [loss, probs]; backward gives dlogits only.
 */
export const softmaxCrossEntropy = defineOp<XentAttrs>({
  name: OP,
  kind: 'layer',
  inputs: ['logits', 'labels', 'classWeights'],
  grads: [true, false, false],
  inferShapes: ([logits, labels, classWeights]) => softmaxCrossEntropyShape(logits, labels, classWeights),
  cpu: {
    fwd: ([logits, labels, classWeights], attrs) => {
      const d = dimsOf(logits.shape);
      checkLabels(labels.data, d.classes);
      const loss = zerosLike(logits.data, 1);
      loss[0] = weightedCrossEntropy(logits.data, labels.data, classWeights.data, d, smoothingOf(attrs));
      return [host([1], loss), host(logits.shape, softmaxRows(logits.data, d))];
    },
    bwd: ([logits, labels, classWeights], [, probs], dloss, attrs) => {
      const d = dimsOf(logits.shape);
      return [host(logits.shape, crossEntropyGrad(probs.data, labels.data, classWeights.data, dloss.data[0], d, smoothingOf(attrs))), null, null];
    },
  },
  gpu: {
    modules: [{ source, fwdEntries: ['xent_rows', 'xent_total'], bwdEntries: ['xent_weight_total', 'xent_bwd'] }],
    fwd: (g, [logits, labels, classWeights], [loss, probs], attrs) => {
      const d = gpuDims(logits.shape, attrs);
      const rows = g.scratch([d.n, 2]);
      g.run(source, 'xent_rows', { logits, labels, class_weights: classWeights, probs, rows }, d, { threads: d.n });
      g.run(source, 'xent_total', { rows, loss }, d, { threads: 1 });
    },
    bwd: (g, [logits, labels, classWeights], [, probs], dloss, [dlogits], attrs) => {
      const d = gpuDims(logits.shape, attrs);
      const total = g.scratch([1]);
      g.run(source, 'xent_weight_total', { labels, class_weights: classWeights, total }, d, { threads: 1 });
      g.run(source, 'xent_bwd', { labels, class_weights: classWeights, probs, dloss, total, dlogits: dlogits! }, d, { threads: d.n * d.k });
    },
  },
});
