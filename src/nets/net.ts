import type { Backend } from '../runtime/backend.ts';
import { fmt, sizeOf } from '../runtime/shape.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { GraphSpec, Mode, NodeSpec } from './graph.ts';

/** What backward needs of one executed node. */
interface Record {
  node: NodeSpec;
  inputs: Tensor[];
  outputs: Tensor[];
  attrs: object;
}

/** The result of a forward pass: logits and, in training, the tape for backward. */
export interface ForwardPass {
  readonly logits: Tensor;
  /** The CAM feature maps, when the net has them and they were asked for. */
  readonly features?: Tensor;
  readonly tape: Record[];
  /** Activations this pass owns; freed by release(). */
  readonly owned: Tensor[];
}

/** A network on one backend: its parameters (and BN state) as tensors, and the graph to run. */
export class Net {
  constructor(
    readonly spec: GraphSpec,
    readonly backend: Backend,
    readonly params: ReadonlyMap<string, Tensor>,
  ) {
    for (const p of spec.params) {
      const t = params.get(p.name);
      if (!t) throw new Error(`${spec.name}: parameter ${p.name} is missing`);
      if (fmt(t.shape) !== fmt(p.shape)) throw new Error(`${spec.name}: parameter ${p.name} has shape ${fmt(t.shape)}, expected ${fmt(p.shape)}`);
    }
  }

  /** Checks an input batch [N, C, H, W] against the net's input shape. */
  checkInput(x: Tensor): void {
    const [c, h, w] = this.spec.inputShape;
    if (x.shape.length !== 4 || x.shape[1] !== c || x.shape[2] !== h || x.shape[3] !== w) {
      throw new Error(`${this.spec.name}: input must be [N,${c},${h},${w}], got ${fmt(x.shape)}`);
    }
  }

  /**
   * Runs the graph. In 'infer' mode each activation is freed after its last use,
   * so the buffer pool hands the same buffers to every later call of the same size.
   * `bnMomentum` replaces the BN layers' running-statistics momentum in 'train' mode.
   */
  forward(x: Tensor, mode: Mode, options: { seed?: number; keepFeatures?: boolean; bnMomentum?: number } = {}): ForwardPass {
    if (mode !== 'train' && mode !== 'infer') throw new Error(`Net.forward: mode must be 'train' or 'infer', got ${JSON.stringify(mode)}`);
    this.checkInput(x);
    const { seed = 0, keepFeatures = false, bnMomentum } = options;
    const values = new Map<string, Tensor>([['input', x], ...this.params]);
    const aliases = new Map<string, string>();
    const resolve = (name: string) => aliases.get(name) ?? name;
    const keep = new Set([this.spec.logits, ...(keepFeatures && this.spec.cam ? [this.spec.cam.features] : [])]);
    const lastUse = mode === 'infer' ? this.lastUses() : new Map<string, number>();
    const tape: Record[] = [];
    const owned: Tensor[] = [];

    this.spec.nodes.forEach((node, i) => {
      if (node.trainOnly && mode === 'infer') {
        aliases.set(node.name, resolve(node.inputs[0]));
        return;
      }
      const inputs = node.inputs.map((name) => {
        const t = values.get(resolve(name));
        if (!t) throw new Error(`${this.spec.name}: node ${node.name} reads ${name}, which is not computed yet`);
        return t;
      });
      const attrs = typeof node.attrs === 'function' ? node.attrs(mode, seed, bnMomentum) : (node.attrs ?? {});
      const outputs = this.backend.forward(node.op, inputs, attrs);
      values.set(node.name, outputs[0]);
      if (mode === 'train') {
        tape.push({ node, inputs, outputs, attrs });
        owned.push(...outputs);
        return;
      }
      outputs.slice(1).forEach((t) => t.dispose());
      for (const name of node.inputs.map(resolve)) {
        if (lastUse.get(name) === i && !keep.has(name) && !this.isLeaf(name)) values.get(name)!.dispose();
      }
    });
    const logits = values.get(resolve(this.spec.logits))!;
    const features = keepFeatures && this.spec.cam ? values.get(resolve(this.spec.cam.features)) : undefined;
    if (mode === 'infer') owned.push(...new Set([logits, ...(features ? [features] : [])]));
    return { logits, features, tape, owned };
  }

  /**
   * Gradients of every trainable parameter, given the gradient of the logits.
   * A value read by several nodes (the skip connection, a bypass) sums their gradients.
   */
  backward(pass: ForwardPass, dLogits: Tensor): Map<string, Tensor> {
    const grads = new Map<string, Tensor>([[this.spec.logits, dLogits]]);
    const accumulate = (name: string, g: Tensor) => {
      const prev = grads.get(name);
      if (!prev) return grads.set(name, g);
      const [sum] = this.backend.forward('add', [prev, g]);
      if (prev !== dLogits) prev.dispose();
      g.dispose();
      grads.set(name, sum);
    };
    for (const { node, inputs, outputs, attrs } of [...pass.tape].reverse()) {
      const dOut = grads.get(node.name);
      if (!dOut) continue;
      grads.delete(node.name);
      // The net's input needs no gradient: conv1 skips computing it.
      const dInputs = this.backend.backward(node.op, inputs, outputs, dOut, attrs, node.inputs.map((name) => name !== 'input'));
      if (dOut !== dLogits) dOut.dispose();
      dInputs.forEach((g, k) => {
        if (g) accumulate(node.inputs[k], g);
      });
    }
    const paramGrads = new Map<string, Tensor>();
    for (const [name, g] of grads) {
      if (this.params.has(name)) paramGrads.set(name, g);
      else if (g !== dLogits) g.dispose();
    }
    return paramGrads;
  }

  release(pass: ForwardPass): void {
    for (const t of pass.owned) t.dispose();
  }

  /** Host copies of every parameter and BN statistic, by name. */
  async exportWeights(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, t] of this.params) out.set(name, await t.read());
    return out;
  }

  /** Replaces the named parameters or BN statistics by host values of the same sizes (as a trained average of the weights). */
  loadWeights(weights: ReadonlyMap<string, Float32Array>): void {
    const params = this.params as Map<string, Tensor>;
    for (const [name, data] of weights) {
      const old = params.get(name);
      if (!old || old.size !== data.length) throw new Error(`${this.spec.name}: it has no parameter ${name} of ${data.length} values`);
      params.set(name, this.backend.tensor(old.shape, data));
      old.dispose();
    }
  }

  get parameterCount(): number {
    return this.spec.params.filter((p) => p.trainable).reduce((n, p) => n + sizeOf(p.shape), 0);
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
  }

  private isLeaf(name: string): boolean {
    return name === 'input' || this.params.has(name);
  }

  /** For each activation, the index of the last node reading it in inference (train-only nodes pass their input through). */
  private lastUses(): Map<string, number> {
    const aliases = new Map<string, string>();
    const resolve = (name: string) => aliases.get(name) ?? name;
    const last = new Map<string, number>();
    this.spec.nodes.forEach((node, i) => {
      if (node.trainOnly) aliases.set(node.name, resolve(node.inputs[0]));
      else for (const name of node.inputs) last.set(resolve(name), i);
    });
    return last;
  }
}
