import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

/**
 * The ONNX IR schema: onnx/onnx.proto of ONNX 1.12 (IR version 8, opset 17), unmodified,
 * parsed at load time by protobufjs. Field names keep the schema's snake_case, so the
 * messages built here read like the ONNX IR documentation.
 */
const root = protobuf.parse(readFileSync(new URL('./onnx.proto', import.meta.url), 'utf8'), { keepCase: true }).root;

export const ModelProto = root.lookupType('onnx.ModelProto');
const DataType = root.lookupEnum('onnx.TensorProto.DataType').values;
const AttributeType = root.lookupEnum('onnx.AttributeProto.AttributeType').values;

export interface OnnxAttribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
  ints?: number[];
}

export interface OnnxNode {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

export const intAttr = (name: string, i: number): OnnxAttribute => ({ name, type: AttributeType.INT, i });
export const floatAttr = (name: string, f: number): OnnxAttribute => ({ name, type: AttributeType.FLOAT, f });
export const intsAttr = (name: string, ints: number[]): OnnxAttribute => ({ name, type: AttributeType.INTS, ints });

/** A float32 initializer; ONNX stores raw_data little-endian whatever the host's byte order. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): OnnxTensor {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return { name, dims: [...dims], data_type: DataType.FLOAT, raw_data: bytes };
}

/** A float32 graph input or output; a string dimension is symbolic (the batch size). */
export function floatValueInfo(name: string, dims: readonly (number | string)[]): OnnxValueInfo {
  const dim = dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d }));
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } };
}

/** Checks a plain ModelProto object against the schema and serialises it. */
export function encodeModel(model: object): Uint8Array {
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX export built an invalid ModelProto: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
