import { fmt } from '../runtime/shape.ts';
import type { GraphSpec } from './graph.ts';
import { withClasses } from './classifier.ts';
import { buildNet, NET_NAMES } from './index.ts';
import { decodeSafetensors, encodeSafetensors, WeightsFileError, type NamedTensor } from './safetensors.ts';

/** What a weights file says about itself, stored as safetensors `__metadata__` (string values). */
export interface ModelMetadata {
  net: string;
  inChannels: number;
  inputSize: number;
  /** How an image becomes the net's input: resize rule, size, normalisation constants. */
  preprocessing: Record<string, unknown>;
  /** Class names in the order of the net's outputs. */
  classNames: string[];
  /** How the weights were trained (command, seed, data, epochs...), or "untrained". */
  training: Record<string, unknown> | string;
}

const FORMAT = 'covid-ct-webgpu/1';

export function encodeModel(spec: GraphSpec, weights: ReadonlyMap<string, Float32Array>, meta: ModelMetadata): Uint8Array {
  const tensors = new Map<string, NamedTensor>(spec.params.map((p) => [p.name, { shape: p.shape, data: weights.get(p.name)! }]));
  return encodeSafetensors(tensors, {
    format: FORMAT,
    net: meta.net,
    inChannels: String(meta.inChannels),
    inputSize: String(meta.inputSize),
    preprocessing: JSON.stringify(meta.preprocessing),
    classNames: JSON.stringify(meta.classNames),
    training: JSON.stringify(meta.training),
  });
}

function parseJson(source: string, key: string, text: string | undefined): unknown {
  if (text === undefined) throw new WeightsFileError(source, `metadata has no "${key}" entry (not a covid-ct model file?)`);
  try {
    return JSON.parse(text);
  } catch {
    throw new WeightsFileError(source, `metadata entry "${key}" is not JSON: ${text.slice(0, 80)}`);
  }
}

/** Reads a model file's bytes and checks every tensor name and shape against the net it names. */
export function decodeModel(bytes: Uint8Array, source: string): { meta: ModelMetadata; spec: GraphSpec; weights: Map<string, Float32Array> } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata.format !== undefined && metadata.format !== FORMAT) throw new WeightsFileError(source, `format "${metadata.format}", this build reads ${FORMAT}`);
  const net = metadata.net;
  if (!net) throw new WeightsFileError(source, `metadata names no net (expected one of ${NET_NAMES.join(', ')})`);
  if (!(NET_NAMES as readonly string[]).includes(net)) throw new WeightsFileError(source, `unknown net "${net}" (expected one of ${NET_NAMES.join(', ')})`);
  const [inChannels, inputSize] = [metadata.inChannels ?? '1', metadata.inputSize ?? '224'].map((text) => (/^\d+$/.test(text) ? Number(text) : NaN));
  if (!(inChannels >= 1) || !(inputSize >= 32) || inputSize % 16 !== 0) {
    throw new WeightsFileError(source, `bad metadata: inChannels ${metadata.inChannels}, inputSize ${metadata.inputSize} (a multiple of 16, at least 32)`);
  }
  const meta: ModelMetadata = {
    net,
    inChannels,
    inputSize,
    preprocessing: parseJson(source, 'preprocessing', metadata.preprocessing) as Record<string, unknown>,
    classNames: parseJson(source, 'classNames', metadata.classNames) as string[],
    training: parseJson(source, 'training', metadata.training ?? '"unknown"') as ModelMetadata['training'],
  };
  if (typeof meta.preprocessing !== 'object' || meta.preprocessing === null || Array.isArray(meta.preprocessing)) {
    throw new WeightsFileError(source, `bad metadata: preprocessing ${metadata.preprocessing} is not an object`);
  }
  const recordedSize = meta.preprocessing.size;
  if (recordedSize !== undefined && recordedSize !== inputSize) throw new WeightsFileError(source, `bad metadata: inputSize ${inputSize}, but images were prepared at ${JSON.stringify(recordedSize)}`);
  if (!Array.isArray(meta.classNames) || meta.classNames.length < 2 || !meta.classNames.every((c) => typeof c === 'string' && c !== '') || new Set(meta.classNames).size < meta.classNames.length) {
    throw new WeightsFileError(source, `metadata lists ${JSON.stringify(meta.classNames)} as class names; a net has two or more, each named once`);
  }
  const spec = withClasses(buildNet(net, { inChannels, size: inputSize }), meta.classNames.length);
  const weights = new Map<string, Float32Array>();
  for (const p of spec.params) {
    const t = tensors.get(p.name);
    if (!t) throw new WeightsFileError(source, `does not fit ${net}: tensor ${p.name} ${fmt(p.shape)} is missing`);
    if (fmt(t.shape) !== fmt(p.shape)) throw new WeightsFileError(source, `does not fit ${net}: tensor ${p.name} has shape ${fmt(t.shape)}, the net needs ${fmt(p.shape)}`);
    const negative = p.name.endsWith('running_var') ? t.data.findIndex((v) => v < 0) : -1;
    if (negative >= 0) throw new WeightsFileError(source, `tensor ${p.name} holds the variance ${t.data[negative]} at index ${negative}`);
    weights.set(p.name, t.data);
  }
  const extra = [...tensors.keys()].filter((name) => !weights.has(name));
  if (extra.length) throw new WeightsFileError(source, `does not fit ${net}: unexpected tensors ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? '…' : ''}`);
  return { meta, spec, weights };
}

/** Throws unless the model tells COVID from NonCOVID: a rotation-pretrained trunk (covid-ct pretrain) is only for train --init. */
export function requireCovidClassifier(meta: ModelMetadata, source: string): void {
  if (meta.classNames.length === 2 && meta.classNames.includes('COVID')) return;
  throw new WeightsFileError(source, `is not a COVID classifier: its classes are ${meta.classNames.join(', ')} (a pretrained trunk is for train --init FILE)`);
}
