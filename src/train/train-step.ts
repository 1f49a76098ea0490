import type { Net } from '../nets/net.ts';
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

/**
 * One training step: forward in training mode, weighted softmax cross-entropy,
 * backward, SGD update. `x` is [N,C,H,W] on the net's backend; labels are class indices;
 * labelSmoothing ε trains towards (1 − ε)·onehot + ε/classes.
 */
export async function trainStep(
  net: Net,
  sgd: Sgd,
  x: Tensor,
  labels: Float32Array,
  classWeights: Float32Array,
  settings: SgdSettings,
  seed: number,
  labelSmoothing = 0,
): Promise<StepResult> {
  const backend = net.backend;
  const pass = net.forward(x, 'train', { seed });
  checkLabels(labels, pass.logits.shape[1]);
  const labelT = backend.tensor([labels.length], labels);
  const weightT = backend.tensor([classWeights.length], classWeights);
  const lossAttrs = { smoothing: labelSmoothing };
  const [lossT, probsT] = backend.forward('softmax_cross_entropy', [pass.logits, labelT, weightT], lossAttrs);
  const one = backend.tensor([1], Float32Array.of(1));
  const [dLogits] = backend.backward('softmax_cross_entropy', [pass.logits, labelT, weightT], [lossT, probsT], one, lossAttrs);
  const grads = net.backward(pass, dLogits!);
  sgd.step(grads, settings);
  const [loss] = await lossT.read();
  const probs = await probsT.read();
  for (const t of [labelT, weightT, lossT, probsT, one, dLogits!, ...grads.values()]) t.dispose();
  net.release(pass);
  return { loss, probs };
}
