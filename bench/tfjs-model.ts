import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { GraphSpec, NodeSpec } from '../src/nets/graph.ts';

/**
 * Our net rebuilt from its GraphSpec as a TensorFlow.js layers model (NHWC) that carries OUR
 * weights, ending in a softmax. Layouts: conv weights [Cout,Cin,kh,kw] → HWIO [kh,kw,Cin,Cout];
 * transposed-conv [Cin,Cout,kh,kw] → [kh,kw,Cout,Cin]; dense [out,in] → [in,out].
 * Symmetric padding other than 'same' at stride 1 becomes an explicit zero-padding layer, and a
 * ceil-mode max pool becomes 'same' padding where that gives the same windows (true for all our nets).
 */
export function tfjsModel(spec: GraphSpec, weights: ReadonlyMap<string, Float32Array>): tfl.LayersModel {
  const [c, h, w] = spec.inputShape;
  const input = tfl.input({ shape: [h, w, c], name: 'input' });
  const values = new Map<string, tfl.SymbolicTensor>([['input', input]]);
  const shapeOf = (name: string) => values.get(name)!.shape as number[];
  for (const node of spec.nodes) {
    const inputs = node.inputs.filter((name) => !weights.has(name)).map((name) => {
      const v = values.get(name);
      if (!v) throw new Error(`tfjs model of ${spec.name}: node ${node.name} reads ${name}, which is not built yet`);
      return v;
    });
    const layer = toLayer(spec, node, weights, inputs.length === 1 ? shapeOf(node.inputs[0]) : []);
    values.set(node.name, layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tfl.SymbolicTensor);
  }
  const probabilities = tfl.layers.softmax({ axis: -1, name: 'probabilities' }).apply(values.get(spec.logits)!) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: probabilities, name: spec.name });
}

/** [N,C,H,W] → [N,H,W,C], on the host. */
export function nchwToNhwc(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++) out[(b * h * w + p) * c + ch] = data[(b * c + ch) * h * w + p];
    }
  }
  return out;
}

function attrsOf(node: NodeSpec, mode: 'infer' | 'train'): Record<string, number | boolean | string> {
  const attrs = typeof node.attrs === 'function' ? node.attrs(mode, 0) : (node.attrs ?? {});
  return attrs as Record<string, number | boolean | string>;
}

function param(spec: GraphSpec, weights: ReadonlyMap<string, Float32Array>, name: string): tf.Tensor {
  const p = spec.params.find((q) => q.name === name);
  const data = weights.get(name);
  if (!p || !data) throw new Error(`tfjs model of ${spec.name}: no weights for ${name}`);
  return tf.tensor(data, [...p.shape]);
}

/** A convolution's fused activation as a TensorFlow.js activation ('elu' is α = 1, as ours); 'linear' for none. */
function activationOf(a: Record<string, unknown>): 'elu' | 'relu' | 'linear' {
  const act = a.activation;
  if (act === undefined) return 'linear';
  if (act === 'elu' || act === 'relu') return act;
  throw new Error(`tfjs model: activation ${JSON.stringify(act)} has no TensorFlow.js equivalent here`);
}

/** A layer, or a zero-padding layer and the convolution after it. */
interface Applicable {
  apply(inputs: tfl.SymbolicTensor | tfl.SymbolicTensor[]): unknown;
}

/** The layer computing `node`; inputShape is its single input's NHWC shape [N,H,W,C] (empty for several inputs). */
function toLayer(spec: GraphSpec, node: NodeSpec, weights: ReadonlyMap<string, Float32Array>, inputShape: number[]): Applicable {
  const name = node.name;
  const weight = (k: number) => param(spec, weights, node.inputs[k]);
  const a = attrsOf(node, 'infer');
  switch (node.op) {
    case 'conv2d': {
      const kernel = tf.transpose(weight(1), [2, 3, 1, 0]) as tf.Tensor4D;
      const [k, stride, pad] = [kernel.shape[0], Number(a.stride ?? 1), Number(a.pad ?? 0)];
      const same = stride === 1 && 2 * pad === k - 1;
      const conv = tfl.layers.conv2d({ name, filters: kernel.shape[3], kernelSize: k, strides: stride, padding: same ? 'same' : 'valid', weights: [kernel, weight(2)], activation: activationOf(a) });
      if (same || pad === 0) return conv;
      const padding = tfl.layers.zeroPadding2d({ name: `${name}/pad`, padding: pad });
      return { apply: (x) => conv.apply(padding.apply(x) as tfl.SymbolicTensor) };
    }
    case 'fire_expand': {
      // Conv 1×1 and Conv 3×3 'same' on the squeezed input, concatenated along channels, then the activation.
      const conv = (k: number, at: number) => {
        const kernel = tf.transpose(weight(at), [2, 3, 1, 0]) as tf.Tensor4D;
        return tfl.layers.conv2d({ name: `${name}/expand${k}x${k}`, filters: kernel.shape[3], kernelSize: k, padding: 'same', weights: [kernel, weight(at + 1)] });
      };
      const [one, three] = [conv(1, 1), conv(3, 3)];
      const concat = tfl.layers.concatenate({ name: `${name}/concat`, axis: -1 });
      const act = String(a.activation) === 'elu' ? tfl.layers.elu({ name, alpha: 1 }) : tfl.layers.reLU({ name });
      return { apply: (x) => act.apply(concat.apply([one.apply(x), three.apply(x)] as tfl.SymbolicTensor[])) };
    }
    case 'conv_transpose2d': {
      if (Number(a.pad ?? 0) !== 0) throw new Error(`tfjs model of ${spec.name}: ${name} has padding, which conv2dTranspose 'valid' cannot express`);
      const kernel = tf.transpose(weight(1), [2, 3, 1, 0]) as tf.Tensor4D;
      return tfl.layers.conv2dTranspose({ name, filters: kernel.shape[2], kernelSize: kernel.shape[0], strides: Number(a.stride), padding: 'valid', weights: [kernel, weight(2)], activation: activationOf(a) });
    }
    case 'batchnorm':
      return tfl.layers.batchNormalization({ name, axis: -1, epsilon: Number(a.eps), momentum: 1 - Number(a.momentum), weights: [1, 2, 3, 4].map(weight) });
    case 'elu':
      return tfl.layers.elu({ name, alpha: Number(a.alpha ?? 1) });
    case 'relu':
      return tfl.layers.reLU({ name });
    case 'maxpool':
      return tfl.layers.maxPooling2d({ name, poolSize: Number(a.kernel), strides: Number(a.stride), padding: poolPadding(node, inputShape) });
    case 'global_avg_pool':
      return tfl.layers.globalAveragePooling2d({ name });
    case 'concat':
      return tfl.layers.concatenate({ name, axis: -1 });
    case 'add':
      return tfl.layers.add({ name });
    case 'dense':
      return tfl.layers.dense({ name, units: weights.get(node.inputs[2])!.length, weights: [tf.transpose(weight(1)), weight(2)] });
    case 'dropout':
      return tfl.layers.dropout({ name, rate: Number(attrsOf(node, 'train').p) });
    default:
      throw new Error(`tfjs model of ${spec.name}: node ${name} has op ${node.op}, which has no TensorFlow.js layer here`);
  }
}

/** 'valid' for floor-mode pools; 'same' for a ceil-mode pool when its windows are exactly those of 'same' (no padding before). */
function poolPadding(node: NodeSpec, [, h, w]: number[]): 'valid' | 'same' {
  const a = attrsOf(node, 'infer');
  const [k, s, pad] = [Number(a.kernel), Number(a.stride), Number(a.pad ?? 0)];
  if (pad !== 0) throw new Error(`maxpool ${node.name}: padding ${pad} has no TensorFlow.js equivalent here`);
  if (!a.ceilMode) return 'valid';
  for (const size of [h, w]) {
    const ceilOut = Math.ceil((size - k) / s) + 1;
    const sameOut = Math.ceil(size / s);
    const padBefore = Math.floor(Math.max((sameOut - 1) * s + k - size, 0) / 2);
    if (ceilOut !== sameOut || padBefore !== 0) throw new Error(`maxpool ${node.name}: ceil mode on ${size} pixels is not 'same' padding`);
  }
  return 'same';
}
