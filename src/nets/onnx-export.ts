import { fmt, sizeOf } from '../runtime/shape.ts';
import type { GraphSpec } from './graph.ts';
import { ONNX_MAPPINGS } from './onnx-ops.ts';
import { encodeModel, floatTensor, floatValueInfo, intAttr, type OnnxNode } from './onnx-schema.ts';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'probabilities';
/** The metadata key holding the class names, in logit order, as a JSON array. */
export const ONNX_CLASS_NAMES_KEY = 'classNames';

export interface OnnxMeta {
  /** One name per logit, in order. */
  classNames: string[];
  /** Anything else to record (training run, preprocessing); lists are stored as JSON. */
  [key: string]: string | string[];
}

/**
 * The net in inference mode as a standard ONNX model (IR 8, opset 17): every parameter an
 * initializer under its own name, dropout left out, and a softmax over the logits giving
 * `probabilities` [N, classes] for `input` [N, C, H, W] with a symbolic batch size N.
 */
export function exportOnnx(spec: GraphSpec, weights: ReadonlyMap<string, Float32Array>, meta: OnnxMeta): Uint8Array {
  const { classNames, ...extra } = meta;
  if (!Array.isArray(classNames) || classNames.length < 2) {
    throw new Error(`onnx export of ${spec.name}: meta.classNames must list the class names, got ${JSON.stringify(classNames)}`);
  }
  const initializer = spec.params.map((p) => {
    const data = weights.get(p.name);
    if (!data) throw new Error(`onnx export of ${spec.name}: no weights for parameter ${p.name} ${fmt(p.shape)}`);
    if (data.length !== sizeOf(p.shape)) {
      throw new Error(`onnx export of ${spec.name}: weights for ${p.name} have ${data.length} values, shape ${fmt(p.shape)} needs ${sizeOf(p.shape)}`);
    }
    return floatTensor(p.name, p.shape, data);
  });

  const paramShapes = new Map(spec.params.map((p) => [p.name, p.shape]));
  const known = new Set([ONNX_INPUT, ...paramShapes.keys()]);
  const aliases = new Map<string, string>();
  const resolve = (name: string) => aliases.get(name) ?? name;
  const nodes: OnnxNode[] = [];
  for (const n of spec.nodes) {
    const inputs = n.inputs.map(resolve);
    const unknown = inputs.find((name) => !known.has(name));
    if (unknown) throw new Error(`onnx export of ${spec.name}: node "${n.name}" reads ${unknown}, which is not computed before it`);
    if (n.trainOnly) {
      aliases.set(n.name, inputs[0]);
      continue;
    }
    const toOnnx = ONNX_MAPPINGS[n.op];
    if (!toOnnx) {
      throw new Error(
        `onnx export of ${spec.name}: node "${n.name}" has op "${n.op}", which has no ONNX mapping (mapped: ${Object.keys(ONNX_MAPPINGS).join(', ')})`,
      );
    }
    const attrs = typeof n.attrs === 'function' ? n.attrs('infer', 0) : (n.attrs ?? {});
    nodes.push(...toOnnx({ name: n.name, inputs, attrs: attrs as Record<string, unknown>, paramShape: (p) => paramShapes.get(p) }));
    known.add(n.name);
  }
  const logits = resolve(spec.logits);
  if (!known.has(logits)) throw new Error(`onnx export of ${spec.name}: logits ${spec.logits} are not computed by any node`);
  nodes.push({ name: 'softmax', op_type: 'Softmax', input: [logits], output: [ONNX_OUTPUT], attribute: [intAttr('axis', 1)] });

  const [c, h, w] = spec.inputShape;
  return encodeModel({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'covid-ct-webgpu',
    graph: {
      name: spec.name,
      node: nodes,
      initializer,
      input: [floatValueInfo(ONNX_INPUT, ['N', c, h, w])],
      output: [floatValueInfo(ONNX_OUTPUT, ['N', classNames.length])],
    },
    metadata_props: [[ONNX_CLASS_NAMES_KEY, classNames], ...Object.entries(extra)].map(([key, value]) => ({
      key,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    })),
  });
}
