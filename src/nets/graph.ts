import type { Shape } from '../runtime/shape.ts';

/** How a parameter starts: He-normal for weights feeding ELU/ReLU, constants for biases and BN. */
export type Init = { kind: 'he'; fanIn: number } | { kind: 'const'; value: number };

export interface ParamSpec {
  readonly name: string;
  readonly shape: Shape;
  readonly init: Init;
  /** BN running statistics are state, not trained. */
  readonly trainable: boolean;
}

export type Mode = 'train' | 'infer';

/**
 * One op application. Inputs name values: 'input', a parameter name, or another
 * node's name (its first output). Attributes may depend on the mode (batch norm), on a
 * per-step seed (dropout) and on a pass's BN momentum (Net.forward's bnMomentum, batch norm).
 */
export interface NodeSpec {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly attrs?: object | ((mode: Mode, seed: number, bnMomentum?: number) => object);
  /** Only in training: in inference the node passes its single input through (dropout). */
  readonly trainOnly?: boolean;
}

export interface GraphSpec {
  readonly name: string;
  /** [channels, height, width] of one image. */
  readonly inputShape: readonly [number, number, number];
  readonly params: readonly ParamSpec[];
  /** In execution order. */
  readonly nodes: readonly NodeSpec[];
  /** The value holding the class logits [N, classes]. */
  readonly logits: string;
  /** For class activation maps: the feature maps [N,K,h,w] and the dense weight [classes,K] applied to their average. */
  readonly cam?: { readonly features: string; readonly weight: string };
}

export const countParams = (spec: GraphSpec, trainable = true): number =>
  spec.params.filter((p) => p.trainable === trainable).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
