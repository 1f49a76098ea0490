/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header naming each tensor's dtype, shape
 * and byte range, then the raw little-endian data. Pure code: runs in browsers too.
 */
import { fmt, sizeOf, type Shape } from '../runtime/shape.ts';

export interface NamedTensor {
  shape: Shape;
  data: Float32Array;
}

export class WeightsFileError extends Error {
  constructor(source: string, reason: string) {
    super(`${source}: ${reason}`);
    this.name = 'WeightsFileError';
  }
}

export function encodeSafetensors(tensors: ReadonlyMap<string, NamedTensor>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.data.length !== sizeOf(t.shape)) throw new Error(`tensor ${name}: ${t.data.length} values for shape ${fmt(t.shape)}`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function decodeSafetensors(bytes: Uint8Array, source: string): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  const fail = (reason: string) => new WeightsFileError(source, reason);
  if (bytes.length < 8) throw fail(`not a safetensors file (${bytes.length} bytes, shorter than its 8-byte header length)`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > bytes.length - 8 || headerLength > 100_000_000) {
    throw fail(`not a safetensors file or truncated: header length ${headerLength} exceeds the ${bytes.length - 8} bytes that follow`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw fail('not a safetensors file: its header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw fail('not a safetensors file: its header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  const ranges: [number, number, string][] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = value as HeaderEntry;
    if (e?.dtype !== 'F32') throw fail(`tensor ${name} has dtype ${e?.dtype}; only F32 is supported`);
    if (!Array.isArray(e?.data_offsets) || e.data_offsets.length !== 2) throw fail(`tensor ${name} has bad data_offsets ${JSON.stringify(e?.data_offsets)}`);
    const [begin, end] = e.data_offsets;
    const shape = e.shape ?? [];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw fail(`tensor ${name} has bad shape ${JSON.stringify(e.shape)}`);
    if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end < begin) throw fail(`tensor ${name} has bad data_offsets ${JSON.stringify(e.data_offsets)}`);
    if (end > dataLength) throw fail(`truncated: tensor ${name} ends at byte ${end} of data but the file holds ${dataLength}`);
    if (end - begin !== sizeOf(shape) * 4) throw fail(`tensor ${name}: shape ${fmt(shape)} needs ${sizeOf(shape) * 4} bytes, its range holds ${end - begin}`);
    // Copy: the data may not be 4-byte aligned in `bytes`.
    const data = new Float32Array(new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end)).buffer);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw fail(`tensor ${name} holds ${data[bad]} at index ${bad}`);
    tensors.set(name, { shape, data });
    ranges.push([begin, end, name]);
  }
  checkRangesTile(ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]), dataLength, fail);
  const metadata = header.__metadata__ ?? {};
  const nonString = Object.entries(metadata as object).find(([, v]) => typeof v !== 'string');
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || nonString) {
    throw fail(`its __metadata__ must map names to strings${nonString ? `; "${nonString[0]}" is ${JSON.stringify(nonString[1])}` : ''}`);
  }
  return { tensors, metadata: metadata as Record<string, string> };
}

/** As the reference reader demands: the tensors' byte ranges follow one another without overlap or gap and end where the file does. */
function checkRangesTile(sorted: readonly [number, number, string][], dataLength: number, fail: (reason: string) => Error): void {
  let at = 0;
  for (const [begin, end, name] of sorted) {
    if (begin < at) throw fail(`tensor ${name}'s bytes ${begin}–${end} overlap another tensor's`);
    if (begin > at) throw fail(`bytes ${at}–${begin} of the data belong to no tensor (before ${name})`);
    at = end;
  }
  if (at !== dataLength) throw fail(`${dataLength - at} bytes after the last tensor belong to no tensor`);
}
