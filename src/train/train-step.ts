import type { Net } from '../nets/net.ts';
import type { Backend } from '../runtime/backend.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { checkLabels } from '../runtime/ops/softmax-cross-entropy.ts';

export interface SgdSettings {
  lr: number;
  momentum: number;
  /** L2 regularisation, applied as weight decay on every trainable parameter. */
  weightDecay: number;
}

/** SGD with momentum and L2 over a net's trainable parameters; velocities start at zero. */
export class Sgd {
  private readonly velocities = new Map<string, Tensor>();

  constructor(private readonly net: Net) {}

  step(grads: ReadonlyMap<string, Tensor>, settings: SgdSettings): void {
    for (const [name, grad] of grads) {
      const param = this.net.params.get(name)!;
      let v = this.velocities.get(name);
      if (!v) this.velocities.set(name, (v = this.net.backend.tensor(param.shape, new Float32Array(param.size))));
      this.net.backend.forward('sgd', [param, grad, v], settings);
    }
  }

  /** Host copies of the velocities by parameter name, for checkpoints (none before the first step). */
  async exportVelocities(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.velocities) out.set(name, await v.read());
    return out;
  }

  /** Replaces the velocities with saved ones, to resume from a checkpoint. */
  importVelocities(saved: ReadonlyMap<string, Float32Array>): void {
    this.dispose();
    for (const [name, data] of saved) {
      const param = this.net.params.get(name);
      if (!param || param.size !== data.length) throw new Error(`velocity for ${name}: the net has no parameter of ${data.length} values by that name`);
      this.velocities.set(name, this.net.backend.tensor(param.shape, data));
    }
  }

  dispose(): void {
    for (const v of this.velocities.values()) v.dispose();
    this.velocities.clear();
  }
}

export interface StepResult {
  /** The batch's weighted cross-entropy (read back from the device). */
  loss: number;
  /** Softmax probabilities [N, classes]. */
  probs: Float32Array;
}

/** How the loss is formed from the labels. */
export interface LossOptions {
  /** ε: the target is (1 − ε)·onehot + ε/classes. */
  labelSmoothing?: number;
  /** Mixup: the batch's images were blended, λ of their own with 1 − λ of these partners' labels. */
  mix?: { lambda: number; partnerLabels: Float32Array };
  /**
   * Contrastive pretraining: the batch is two views of each image (rows i and i + N/2), the
   * logits are projections and the loss NT-Xent at this temperature; labels are each row's pair.
   */
  contrastive?: { temperature: number };
}

/**
 * One training step: forward in training mode, the loss (weighted softmax cross-entropy, or
 * NT-Xent for contrastive pretraining), backward, SGD update. `x` is [N,C,H,W] on the net's
 * backend; labels are class indices. With mixup the loss is λ·CE(labels) + (1 − λ)·CE(partner labels).
 */
export async function trainStep(
  net: Net,
  sgd: Sgd,
  x: Tensor,
  labels: Float32Array,
  classWeights: Float32Array,
  settings: SgdSettings,
  seed: number,
  loss: LossOptions = {},
): Promise<StepResult> {
  const pass = net.forward(x, 'train', { seed });
  const { total, probsT, dLogits, kept } = loss.contrastive ? contrastiveLoss(net.backend, pass.logits, labels, loss.contrastive.temperature) : crossEntropy(net.backend, pass.logits, labels, classWeights, loss);
  const grads = net.backward(pass, dLogits);
  sgd.step(grads, settings);
  // read back only now, so a GPU step is encoded whole before the host waits on it
  const result = { loss: await total(), probs: await probsT.read() };
  for (const t of [...kept, dLogits, ...grads.values()]) t.dispose();
  net.release(pass);
  return result;
}

interface LossTerms {
  /** Reads the loss back. */
  total: () => Promise<number>;
  probsT: Tensor;
  dLogits: Tensor;
  /** Tensors to dispose of after the step. */
  kept: Tensor[];
}

function crossEntropy(backend: Backend, logits: Tensor, labels: Float32Array, classWeights: Float32Array, loss: LossOptions): LossTerms {
  const weightT = backend.tensor([classWeights.length], classWeights);
  const attrs = { smoothing: loss.labelSmoothing ?? 0 };
  const terms = loss.mix ? [{ labels, weight: loss.mix.lambda }, { labels: loss.mix.partnerLabels, weight: 1 - loss.mix.lambda }] : [{ labels, weight: 1 }];
  const kept: Tensor[] = [weightT];
  const losses: Tensor[] = [];
  let probsT: Tensor | null = null;
  let dLogits: Tensor | null = null;
  for (const term of terms) {
    checkLabels(term.labels, logits.shape[1]);
    const labelT = backend.tensor([term.labels.length], term.labels);
    const scale = backend.tensor([1], Float32Array.of(term.weight));
    const [lossT, termProbs] = backend.forward('softmax_cross_entropy', [logits, labelT, weightT], attrs);
    const [d] = backend.backward('softmax_cross_entropy', [logits, labelT, weightT], [lossT, termProbs], scale, attrs);
    if (dLogits) {
      const [sum] = backend.forward('add', [dLogits, d!]);
      kept.push(dLogits, d!);
      dLogits = sum;
    } else dLogits = d;
    losses.push(lossT);
    probsT = termProbs;
    kept.push(labelT, scale, lossT, termProbs);
  }
  const total = async () => {
    let sum = 0;
    for (const [i, lossT] of losses.entries()) sum += terms[i].weight * (await lossT.read())[0];
    return sum;
  };
  return { total, probsT: probsT!, dLogits: dLogits!, kept };
}

/** A row's similarity to itself in NT-Xent's logits: far enough below any other (≥ −1/τ) that exp of it is 0. */
const SELF = -1e9;

/**
 * NT-Xent over the projections: the softmax cross-entropy of their cosine similarities over τ,
 * each row's own masked to SELF, each row labelled with the row of its pair; probs are each row's
 * softmax over the other rows.
 */
function contrastiveLoss(backend: Backend, projections: Tensor, pairs: Float32Array, temperature: number): LossTerms {
  const attrs = { temperature };
  const n = pairs.length;
  const [similarities] = backend.forward('cosine_similarity', [projections], attrs);
  const mask = backend.tensor([n, n], Float32Array.from({ length: n * n }, (_, e) => (e % (n + 1) === 0 ? SELF : 0)));
  const [logits] = backend.forward('add', [similarities, mask]);
  const terms = crossEntropy(backend, logits, pairs, new Float32Array(n).fill(1), {});
  // the mask is a constant: the similarities' gradient is the logits'
  const [dLogits] = backend.backward('cosine_similarity', [projections], [similarities], terms.dLogits, attrs);
  return { ...terms, dLogits: dLogits!, kept: [...terms.kept, terms.dLogits, similarities, mask, logits] };
}
