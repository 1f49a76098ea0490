import type { Shape } from '../runtime/shape.ts';
import { floatAttr, intAttr, intsAttr, type OnnxAttribute, type OnnxNode } from './onnx-schema.ts';

/** What one of our ops needs to become ONNX nodes. Inputs are already resolved value names. */
export interface OpToOnnx {
  name: string;
  inputs: string[];
  attrs: Record<string, unknown>;
  /** Shapes of the parameters, for attributes ONNX wants spelled out (kernel_shape). */
  paramShape: (name: string) => Shape | undefined;
}

const node = (name: string, op_type: string, input: string[], attribute: OnnxAttribute[] = []): OnnxNode => ({
  name,
  op_type,
  input,
  output: [name],
  attribute,
});

/** Our convolutions pad every side alike; ONNX wants [top, left, bottom, right]. */
function convAttrs({ name, inputs, attrs, paramShape }: OpToOnnx): OnnxAttribute[] {
  const weight = paramShape(inputs[1]);
  if (!weight || weight.length !== 4) throw new Error(`node "${name}": weight ${inputs[1]} is not a parameter of rank 4`);
  const stride = Number(attrs.stride ?? 1);
  const pad = Number(attrs.pad ?? 0);
  return [intsAttr('kernel_shape', [weight[2], weight[3]]), intsAttr('strides', [stride, stride]), intsAttr('pads', [pad, pad, pad, pad])];
}

/** A convolution node, followed by a standard Elu (α = 1) or Relu node when the op has an activation attribute. */
function activated(op: OpToOnnx, opType: 'Conv' | 'ConvTranspose'): OnnxNode[] {
  const act = op.attrs.activation;
  if (act === undefined) return [node(op.name, opType, op.inputs, convAttrs(op))];
  if (act !== 'elu' && act !== 'relu') throw new Error(`node "${op.name}": activation ${JSON.stringify(act)} has no ONNX mapping`);
  const conv = `${op.name}/${opType === 'Conv' ? 'conv' : 'conv_transpose'}`;
  return [
    node(conv, opType, op.inputs, convAttrs(op)),
    act === 'elu' ? node(op.name, 'Elu', [conv], [floatAttr('alpha', 1)]) : node(op.name, 'Relu', [conv]),
  ];
}

/** Each of our ops as the ONNX (opset 17) nodes that compute the same values in inference. */
export const ONNX_MAPPINGS: Readonly<Record<string, (op: OpToOnnx) => OnnxNode[]>> = {
  conv2d: (op) => activated(op, 'Conv'),
  // Our weight is [Cin, Cout, kh, kw], which is ONNX's ConvTranspose layout too.
  conv_transpose2d: (op) => activated(op, 'ConvTranspose'),
  // Inputs x, gamma, beta, running mean, running variance: ONNX's order; inference uses the running statistics.
  batchnorm: (op) => [node(op.name, 'BatchNormalization', op.inputs, [floatAttr('epsilon', Number(op.attrs.eps ?? 1e-5))])],
  elu: (op) => [node(op.name, 'Elu', op.inputs, [floatAttr('alpha', Number(op.attrs.alpha ?? 1))])],
  relu: (op) => [node(op.name, 'Relu', op.inputs)],
  maxpool: ({ name, inputs, attrs }) => {
    const [kernel, stride, pad] = [Number(attrs.kernel), Number(attrs.stride), Number(attrs.pad ?? 0)];
    // Ceil mode as end padding of stride − 1 (max pooling ignores padding; floor((n − k + s − 1)/s) =
    // ceil((n − k)/s)): ONNX Runtime Web's WebGPU MaxPool does not run ceil_mode. Exact while no
    // window starts in the end padding, which kernel ≥ pad + stride ensures.
    const asPadding = Boolean(attrs.ceilMode) && kernel >= pad + stride;
    const end = pad + (asPadding ? stride - 1 : 0);
    return [
      node(name, 'MaxPool', inputs, [
        intsAttr('kernel_shape', [kernel, kernel]),
        intsAttr('strides', [stride, stride]),
        intsAttr('pads', [pad, pad, end, end]),
        intAttr('ceil_mode', attrs.ceilMode && !asPadding ? 1 : 0),
      ]),
    ];
  },
  // GlobalAveragePool keeps [N,C,1,1]; ours gives [N,C].
  global_avg_pool: ({ name, inputs }) => [
    node(`${name}/pool`, 'GlobalAveragePool', inputs),
    node(name, 'Flatten', [`${name}/pool`], [intAttr('axis', 1)]),
  ],
  concat: (op) => [node(op.name, 'Concat', op.inputs, [intAttr('axis', 1)])],
  // Standard nodes for the fused fire expand: Conv 1×1 and Conv 3×3 pad 1 on s, Concat, then Elu or Relu.
  fire_expand: ({ name, inputs: [s, w1, b1, w3, b3], attrs }) => {
    const conv = (k: number) => [intsAttr('kernel_shape', [k, k]), intsAttr('strides', [1, 1]), intsAttr('pads', Array(4).fill((k - 1) / 2))];
    const concat = `${name}/concat`;
    return [
      node(`${name}/expand1x1`, 'Conv', [s, w1, b1], conv(1)),
      node(`${name}/expand3x3`, 'Conv', [s, w3, b3], conv(3)),
      node(concat, 'Concat', [`${name}/expand1x1`, `${name}/expand3x3`], [intAttr('axis', 1)]),
      attrs.activation === 'elu' ? node(name, 'Elu', [concat], [floatAttr('alpha', 1)]) : node(name, 'Relu', [concat]),
    ];
  },
  add: (op) => [node(op.name, 'Add', op.inputs)],
  // y = x·wᵀ + b with w [out, in].
  dense: (op) => [node(op.name, 'Gemm', op.inputs, [intAttr('transB', 1)])],
};
