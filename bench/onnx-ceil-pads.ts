import { ModelProto } from '../src/nets/onnx-schema.ts';

interface Attribute {
  name: string;
  i?: number;
  ints?: number[];
}

interface Node {
  op_type: string;
  name: string;
  attribute?: Attribute[];
}

/**
 * The same model with every ceil-mode MaxPool written as a floor-mode one padded by stride − 1
 * at the end of each axis: max pooling ignores padding, and floor((n − k + s − 1)/s) = ceil((n − k)/s),
 * so the windows are the same. ONNX Runtime Web's WebGPU MaxPool does not run ceil_mode (1.30).
 */
export function withCeilModeAsPadding(model: Uint8Array): Uint8Array {
  const message = ModelProto.toObject(ModelProto.decode(model), { longs: Number }) as { graph: { node: Node[] } };
  for (const node of message.graph.node) {
    if (node.op_type !== 'MaxPool') continue;
    const attr = (name: string) => node.attribute?.find((a) => a.name === name);
    const ceil = attr('ceil_mode');
    if (!ceil?.i) continue;
    const strides = attr('strides')?.ints;
    const pads = attr('pads')?.ints;
    if (!strides || strides.length !== 2 || !pads || pads.length !== 4) throw new Error(`MaxPool ${node.name}: expected 2-d strides and pads`);
    pads[2] += strides[0] - 1;
    pads[3] += strides[1] - 1;
    ceil.i = 0;
  }
  return ModelProto.encode(ModelProto.fromObject(message)).finish();
}
