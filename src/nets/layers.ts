import type { Mode, NodeSpec, ParamSpec } from './graph.ts';

/** The paper's dropout rate before the classifier: what every net is built with unless told otherwise. */
export const DEFAULT_DROPOUT = 0.5;

/** Collects the parameters and nodes of a network as it is described layer by layer. */
export class GraphBuilder {
  readonly params: ParamSpec[] = [];
  readonly nodes: NodeSpec[] = [];

  private node(name: string, op: string, inputs: string[], attrs?: NodeSpec['attrs'], trainOnly = false): string {
    if (this.nodes.some((n) => n.name === name)) throw new Error(`duplicate node name ${name}`);
    this.nodes.push({ name, op, inputs, attrs, trainOnly });
    return name;
  }

  /** The weight and bias of a convolution named `name`; returns their names. */
  private convParams(name: string, cin: number, cout: number, k: number): string[] {
    this.params.push(
      { name: `${name}.weight`, shape: [cout, cin, k, k], init: { kind: 'he', fanIn: cin * k * k }, trainable: true },
      { name: `${name}.bias`, shape: [cout], init: { kind: 'const', value: 0 }, trainable: true },
    );
    return [`${name}.weight`, `${name}.bias`];
  }

  /** A convolution, with the activation that follows it (if any) fused into the node. */
  conv(name: string, x: string, cin: number, cout: number, k: number, stride = 1, pad = 0, activation?: 'elu' | 'relu'): string {
    return this.node(name, 'conv2d', [x, ...this.convParams(name, cin, cout, k)], { stride, pad, ...(activation ? { activation } : {}) });
  }

  /**
   * A fire module's expand layer, act(concat[expand1x1(x), expand3x3 pad 1(x)]), as one
   * fire_expand node; its parameters keep the names of the two convolutions.
   */
  fireExpand(name: string, x: string, cin: number, e: number, activation: 'elu' | 'relu'): string {
    const one = this.convParams(`${name}.expand1x1`, cin, e, 1);
    const three = this.convParams(`${name}.expand3x3`, cin, e, 3);
    return this.node(`${name}.expand`, 'fire_expand', [x, ...one, ...three], { activation });
  }

  convTranspose(name: string, x: string, cin: number, cout: number, k: number, stride: number, activation?: 'elu' | 'relu'): string {
    // Each output pixel sums cin·(k/stride)² products, the fan-in that keeps the variance.
    const fanIn = cin * Math.max(1, Math.ceil(k / stride)) ** 2;
    this.params.push(
      { name: `${name}.weight`, shape: [cin, cout, k, k], init: { kind: 'he', fanIn }, trainable: true },
      { name: `${name}.bias`, shape: [cout], init: { kind: 'const', value: 0 }, trainable: true },
    );
    return this.node(name, 'conv_transpose2d', [x, `${name}.weight`, `${name}.bias`], { stride, pad: 0, ...(activation ? { activation } : {}) });
  }

  batchNorm(name: string, x: string, channels: number): string {
    this.params.push(
      { name: `${name}.weight`, shape: [channels], init: { kind: 'const', value: 1 }, trainable: true },
      { name: `${name}.bias`, shape: [channels], init: { kind: 'const', value: 0 }, trainable: true },
      { name: `${name}.running_mean`, shape: [channels], init: { kind: 'const', value: 0 }, trainable: false },
      { name: `${name}.running_var`, shape: [channels], init: { kind: 'const', value: 1 }, trainable: false },
    );
    const inputs = [x, `${name}.weight`, `${name}.bias`, `${name}.running_mean`, `${name}.running_var`];
    return this.node(name, 'batchnorm', inputs, (mode: Mode, _seed: number, bnMomentum = 0.1) => ({ training: mode === 'train', eps: 1e-5, momentum: bnMomentum }));
  }

  dense(name: string, x: string, cin: number, cout: number): string {
    this.params.push(
      { name: `${name}.weight`, shape: [cout, cin], init: { kind: 'he', fanIn: cin }, trainable: true },
      { name: `${name}.bias`, shape: [cout], init: { kind: 'const', value: 0 }, trainable: true },
    );
    return this.node(name, 'dense', [x, `${name}.weight`, `${name}.bias`]);
  }

  elu(name: string, x: string): string {
    return this.node(name, 'elu', [x], { alpha: 1 });
  }

  relu(name: string, x: string): string {
    return this.node(name, 'relu', [x]);
  }

  maxPool(name: string, x: string): string {
    return this.node(name, 'maxpool', [x], { kernel: 3, stride: 2, pad: 0, ceilMode: true });
  }

  globalAvgPool(name: string, x: string): string {
    return this.node(name, 'global_avg_pool', [x]);
  }

  concat(name: string, xs: string[]): string {
    return this.node(name, 'concat', xs);
  }

  add(name: string, a: string, b: string): string {
    return this.node(name, 'add', [a, b]);
  }

  /** The seed of each dropout node differs per node and per training step. */
  dropout(name: string, x: string, p: number): string {
    const salt = this.nodes.length * 0x9e3779b1;
    return this.node(name, 'dropout', [x], (_mode: Mode, seed: number) => ({ p, seed: (seed ^ salt) >>> 0 }), true);
  }
}
