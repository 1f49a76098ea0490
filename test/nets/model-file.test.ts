import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { createNet, initialWeights } from '../../src/nets/init.ts';
import { loadModelFile, saveModelFile } from '../../src/nets/model-file.ts';
import { withClasses } from '../../src/nets/classifier.ts';
import { decodeModel, encodeModel, requireCovidClassifier, type ModelMetadata } from '../../src/nets/model-format.ts';
import { decodeSafetensors, encodeSafetensors } from '../../src/nets/safetensors.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';

const meta: ModelMetadata = {
  net: 'light-cnn',
  inChannels: 1,
  inputSize: 224,
  preprocessing: { resize: 'area', size: 224, mean: 0.5, std: 0.25 },
  classNames: ['NonCOVID', 'COVID'],
  training: 'untrained',
};

describe('safetensors', () => {
  it('writes the documented layout: u64 header length, JSON header, 8-byte aligned data', () => {
    const bytes = encodeSafetensors(new Map([['a', { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }]]), { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({ __metadata__: { k: 'v' }, a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] } });
    expect(Array.from(new Float32Array(bytes.slice(8 + n).buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(decodeSafetensors(bytes, 'x').tensors.get('a')!.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects a file that is not safetensors, or is truncated, saying which', () => {
    expect(() => decodeSafetensors(new Uint8Array(3), 'f.bin')).toThrow('f.bin: not a safetensors file (3 bytes');
    expect(() => decodeSafetensors(new TextEncoder().encode('\x89PNG\r\n\x1a\nxxxxxxxxxx'), 'img.png')).toThrow(/img\.png: not a safetensors file or truncated/);
    const good = encodeSafetensors(new Map([['a', { shape: [4], data: new Float32Array(4) }]]), {});
    expect(() => decodeSafetensors(good.subarray(0, good.length - 4), 'cut.safetensors')).toThrow(
      'cut.safetensors: truncated: tensor a ends at byte 16 of data but the file holds 12',
    );
  });

  it('rejects a shape that is no list of whole numbers, and values that are not finite, naming the tensor', () => {
    const withHeader = (entry: object) => {
      const header = new TextEncoder().encode(JSON.stringify({ a: { dtype: 'F32', data_offsets: [0, 8], ...entry } }));
      const bytes = new Uint8Array(8 + header.length + 8);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
      bytes.set(header, 8);
      return bytes;
    };
    expect(() => decodeSafetensors(withHeader({ shape: 2 }), 'f')).toThrow('f: tensor a has bad shape 2');
    expect(() => decodeSafetensors(withHeader({ shape: [-1, -2] }), 'f')).toThrow('f: tensor a has bad shape [-1,-2]');
    expect(() => decodeSafetensors(withHeader({ shape: [2], data_offsets: 5 }), 'f')).toThrow('f: tensor a has bad data_offsets 5');
    const nan = encodeSafetensors(new Map([['w', { shape: [3], data: Float32Array.of(1, NaN, 2) }]]), {});
    expect(() => decodeSafetensors(nan, 'nan.safetensors')).toThrow('nan.safetensors: tensor w holds NaN at index 1');
  });

  it('rejects byte ranges that overlap, leave a gap, or stop before the end of the file, as the reference reader does', () => {
    const file = (entries: Record<string, [number, number]>, dataBytes: number) => {
      const header = Object.fromEntries(Object.entries(entries).map(([name, range]) => [name, { dtype: 'F32', shape: [(range[1] - range[0]) / 4], data_offsets: range }]));
      const json = new TextEncoder().encode(JSON.stringify(header));
      const bytes = new Uint8Array(8 + json.length + dataBytes);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
      bytes.set(json, 8);
      return bytes;
    };
    expect(decodeSafetensors(file({ b: [8, 12], a: [0, 8] }, 12), 'f').tensors.size).toBe(2);
    expect(() => decodeSafetensors(file({ a: [0, 8], b: [4, 12] }, 12), 'f')).toThrow("f: tensor b's bytes 4–12 overlap another tensor's");
    expect(() => decodeSafetensors(file({ a: [0, 4], b: [8, 12] }, 12), 'f')).toThrow('f: bytes 4–8 of the data belong to no tensor (before b)');
    expect(() => decodeSafetensors(file({ a: [0, 8] }, 12), 'f')).toThrow('f: 4 bytes after the last tensor belong to no tensor');
  });
});

describe('model files', () => {
  const spec = buildNet('light-cnn');
  const weights = initialWeights(spec, 2);

  it('round-trip every tensor and the metadata through a file written atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-'));
    const path = join(dir, 'light-cnn.safetensors');
    const net = createNet(spec, new CpuBackend(), 2);
    await saveModelFile(path, net, meta);
    expect(readdirSync(dir)).toEqual(['light-cnn.safetensors']);
    const loaded = await loadModelFile(path);
    expect(loaded.meta).toEqual(meta);
    for (const [name, data] of weights) {
      expect(Buffer.from(loaded.weights.get(name)!.buffer).equals(Buffer.from(data.buffer)), name).toBe(true);
    }
  });

  it('reject a file whose tensors do not fit the net its metadata names', () => {
    const bytes = encodeModel(spec, weights, meta);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))));
    header.__metadata__.net = 'squeezenet';
    const relabelled = encodeSafetensors(
      new Map(Object.keys(header).filter((k) => k !== '__metadata__').map((k) => [k, { shape: header[k].shape, data: weights.get(k)! }])),
      header.__metadata__,
    );
    expect(() => decodeModel(relabelled, 'm.safetensors')).toThrow('m.safetensors: does not fit squeezenet: tensor classifier.weight [2,512,1,1] is missing');
  });

  it('load a model with another class count (a rotation-pretrained trunk), which is no COVID classifier', () => {
    const four = withClasses(spec, 4);
    const trunk = encodeModel(four, initialWeights(four, 3), { ...meta, classNames: ['0°', '90°', '180°', '270°'] });
    const loaded = decodeModel(trunk, 'pre.safetensors');
    expect(loaded.spec.params.find((p) => p.name === 'fc.weight')!.shape).toEqual([4, 320]);
    expect(() => requireCovidClassifier(loaded.meta, 'pre.safetensors')).toThrow('pre.safetensors: is not a COVID classifier: its classes are 0°, 90°, 180°, 270°');
    expect(() => requireCovidClassifier(decodeModel(encodeModel(spec, weights, meta), 'm').meta, 'm')).not.toThrow();
    const one = encodeModel(withClasses(spec, 1), initialWeights(withClasses(spec, 1), 3), { ...meta, classNames: ['COVID'] });
    expect(() => decodeModel(one, 'one')).toThrow('one: metadata lists ["COVID"] as class names; a net has two or more');
  });

  it('reject metadata of the wrong kind, naming the file and the entry (they gave bare TypeErrors, or loaded)', () => {
    const file = (changes: Record<string, unknown>, meta2: ModelMetadata = meta) => {
      const bytes = encodeModel(spec, weights, meta2);
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
      Object.assign(header.__metadata__, changes);
      const tensors = new Map(spec.params.map((p) => [p.name, { shape: p.shape, data: weights.get(p.name)! }]));
      return encodeSafetensors(tensors, header.__metadata__);
    };
    expect(() => decodeModel(file({ preprocessing: { size: 224 } }), 'm')).toThrow('m: its __metadata__ must map names to strings; "preprocessing" is {"size":224}');
    expect(() => decodeModel(file({ inputSize: '0x20' }), 'm')).toThrow('m: bad metadata: inChannels 1, inputSize 0x20 (a multiple of 16, at least 32)');
    expect(() => decodeModel(file({ inChannels: 'true' }), 'm')).toThrow('m: bad metadata: inChannels true');
    expect(() => decodeModel(file({ preprocessing: '[]' }), 'm')).toThrow('m: bad metadata: preprocessing [] is not an object');
    expect(() => decodeModel(file({ format: 'covid-ct-webgpu/2' }), 'm')).toThrow('m: format "covid-ct-webgpu/2", this build reads covid-ct-webgpu/1');
    expect(decodeModel(file({}), 'm').meta.net).toBe('light-cnn');
    for (const names of [['COVID', 'COVID'], ['', 'COVID']]) {
      expect(() => decodeModel(file({}, { ...meta, classNames: names }), 'm')).toThrow(`m: metadata lists ${JSON.stringify(names)} as class names; a net has two or more, each named once`);
    }
  });

  it('reject a negative BN variance, which would make every probability NaN', () => {
    const bad = new Map(weights);
    bad.set('fire2.bn.running_var', weights.get('fire2.bn.running_var')!.map((v, i) => (i === 3 ? -3 : v)));
    expect(() => decodeModel(encodeModel(spec, bad, meta), 'v.safetensors')).toThrow('v.safetensors: tensor fire2.bn.running_var holds the variance -3 at index 3');
  });

  it('build nets only at sizes they run at', () => {
    expect(() => buildNet('light-cnn', { size: 40 })).toThrow('input size must be a multiple of 16, at least 32, got 40');
    expect(() => buildNet('squeezenet', { size: 16 })).toThrow('input size must be a multiple of 16, at least 32, got 16');
    expect(() => buildNet('light-cnn', { inChannels: 0 })).toThrow('inChannels must be a whole number ≥ 1, got 0');
  });

  it('reject class names that squeezenet\'s classifier conv does not have rows for', () => {
    const squeeze = buildNet('squeezenet');
    const file = encodeModel(squeeze, initialWeights(squeeze, 1), { ...meta, net: 'squeezenet', classNames: ['a', 'b', 'c', 'd'] });
    expect(() => decodeModel(file, 'sq.safetensors')).toThrow('sq.safetensors: does not fit squeezenet: tensor classifier.weight has shape [2,512,1,1], the net needs [4,512,1,1]');
  });

  it('reject a missing tensor and a wrong shape', () => {
    const small = buildNet('light-cnn');
    const missing = new Map(weights);
    missing.delete('fc.bias');
    const tensors = new Map([...missing].map(([k, d]) => [k, { shape: small.params.find((p) => p.name === k)!.shape, data: d }]));
    const md = { net: 'light-cnn', preprocessing: '{}', classNames: '["NonCOVID","COVID"]', training: '"x"' };
    expect(() => decodeModel(encodeSafetensors(tensors, md), 'a')).toThrow('a: does not fit light-cnn: tensor fc.bias [2] is missing');
    tensors.set('fc.bias', { shape: [1, 2], data: new Float32Array(2) });
    expect(() => decodeModel(encodeSafetensors(tensors, md), 'b')).toThrow('b: does not fit light-cnn: tensor fc.bias has shape [1,2], the net needs [2]');
  });

  it('reject a missing file and a corrupt one with the path in the message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-'));
    await expect(loadModelFile(join(dir, 'nope.safetensors'))).rejects.toThrow(`model file ${join(dir, 'nope.safetensors')} does not exist`);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, 'hello world, not a model');
    await expect(loadModelFile(bad)).rejects.toThrow(`${bad}: not a safetensors file or truncated`);
    expect(readFileSync(bad, 'utf8')).toBe('hello world, not a model');
    await expect(loadModelFile(dir)).rejects.toThrow(`cannot read model file ${dir}: it is a folder`);
  });

  it('reject an input size the net cannot take, or one its images were not prepared at', () => {
    const at = (inputSize: number, preparedAt: number) => () =>
      decodeModel(encodeModel(spec, weights, { ...meta, inputSize, preprocessing: { ...meta.preprocessing, size: preparedAt } }), 'm');
    expect(at(40, 40)).toThrow('m: bad metadata: inChannels 1, inputSize 40 (a multiple of 16, at least 32)');
    expect(at(48, 32)).toThrow('m: bad metadata: inputSize 48, but images were prepared at 32');
  });
});
