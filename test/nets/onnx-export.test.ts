import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphSpec } from '../../src/nets/graph.ts';
import { buildNet, NET_NAMES } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { exportOnnx } from '../../src/nets/onnx-export.ts';
import { writeOnnxFile } from '../../src/nets/onnx-file.ts';
import { ModelProto } from '../../src/nets/onnx-schema.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { preprocess } from '../../src/train/data/preprocess.ts';
import { COVID_CT_ROOT } from '../data/data-paths.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

const CLASS_NAMES = ['NonCOVID', 'COVID'];
const BATCH = 2;
const SIZE = 224;

/** The weight of the layer that computes the logits: scaling it scales the logits (ReLU and averages are homogeneous). */
const LOGITS_WEIGHT: Record<string, string> = { squeezenet: 'classifier.weight', 'squeezenet-bypass': 'classifier.weight', 'light-cnn': 'fc.weight' };

/**
 * He-init weights, with light-cnn's batch norms given random affine parameters and running statistics,
 * and the logits layer scaled so the logit gaps are about 1: saturated probabilities (0 and 1)
 * would agree even if the logits did not.
 */
async function testWeights(spec: GraphSpec, x: Float32Array): Promise<Map<string, Float32Array>> {
  const weights = initialWeights(spec, 11);
  const rng = new Random(12);
  for (const [name, values] of weights) {
    const fill = (f: () => number) => values.forEach((_, i) => (values[i] = f()));
    if (name.endsWith('.bn.running_mean')) fill(() => rng.normal() * 0.5);
    if (name.endsWith('.bn.running_var')) fill(() => rng.uniform(0.2, 3));
    if (name.endsWith('.bn.weight')) fill(() => rng.uniform(0.5, 1.5));
    if (name.endsWith('.bn.bias')) fill(() => rng.normal() * 0.2);
  }
  const net = netFromWeights(spec, new CpuBackend(), weights);
  const logits = await net.forward(net.backend.tensor([BATCH, 1, SIZE, SIZE], x), 'infer').logits.read();
  const gap = Math.max(Math.abs(logits[0] - logits[1]), Math.abs(logits[2] - logits[3]));
  weights.get(LOGITS_WEIGHT[spec.name])!.forEach((v, i, w) => (w[i] = v / gap));
  return weights;
}

function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length / classes; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    const exps = row.map((v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, k) => (out[r * classes + k] = e / sum));
  }
  return out;
}

async function ourProbabilities(spec: GraphSpec, weights: Map<string, Float32Array>, backend: Backend, x: Float32Array): Promise<Float32Array> {
  const net = netFromWeights(spec, backend, weights);
  const pass = net.forward(backend.tensor([BATCH, 1, SIZE, SIZE], x), 'infer');
  const logits = await pass.logits.read();
  net.release(pass);
  net.dispose();
  return softmaxRows(logits, CLASS_NAMES.length);
}

async function onnxProbabilities(model: Uint8Array, x: Float32Array): Promise<{ probs: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const { probabilities } = await session.run({ input: new ort.Tensor('float32', x, [BATCH, 1, SIZE, SIZE]) });
  await session.release();
  return { probs: probabilities.data as Float32Array, dims: probabilities.dims };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('ONNX export, run by onnxruntime-node on 2 real CT slices against our forward pass', () => {
  const files = ['COVID/2020.01.24.919183-p27-132.png', 'NonCOVID/102.png'].map((f) => join(COVID_CT_ROOT, 'images', f));
  const x = new Float32Array(BATCH * SIZE * SIZE);
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
    for (const [i, file] of files.entries()) x.set(preprocess(await loadImageFile(file), { size: SIZE }), i * SIZE * SIZE);
  });
  afterAll(() => gpu?.dispose());

  it.each(NET_NAMES)('%s at 224×224, batch 2: probabilities agree within 1e-4 on cpu and webgpu', async (name) => {
    const spec = buildNet(name);
    const weights = await testWeights(spec, x);
    const { probs, dims } = await onnxProbabilities(exportOnnx(spec, weights, { classNames: CLASS_NAMES }), x);
    expect(dims).toEqual([BATCH, 2]);
    // Unsaturated probabilities, so the comparison sees the logits and not just their sign.
    for (const p of probs) expect(p).toBeGreaterThan(0.1);
    for (const backend of [new CpuBackend(), gpu]) {
      expect(maxAbsDiff(await ourProbabilities(spec, weights, backend, x), probs), backend.name).toBeLessThan(1e-4);
    }
  });
});

describe('ONNX model contents', () => {
  const spec = buildNet('light-cnn', { size: 32 });
  const weights = initialWeights(spec, 3);

  it('has a symbolic batch size, the spec input shape and a [N,2] probabilities output', async () => {
    const session = await ort.InferenceSession.create(exportOnnx(spec, weights, { classNames: CLASS_NAMES }));
    expect(session.inputMetadata).toEqual([{ name: 'input', isTensor: true, type: 'float32', shape: ['N', 1, 32, 32] }]);
    expect(session.outputMetadata).toEqual([{ name: 'probabilities', isTensor: true, type: 'float32', shape: ['N', 2] }]);
    await session.release();
  });

  it('records the class names in order as JSON, and the other metadata given', () => {
    const model = ModelProto.toObject(ModelProto.decode(exportOnnx(spec, weights, { classNames: CLASS_NAMES, net: 'light-cnn', splits: ['train', 'val'] })));
    expect(model.metadata_props).toEqual([
      { key: 'classNames', value: '["NonCOVID","COVID"]' },
      { key: 'net', value: 'light-cnn' },
      { key: 'splits', value: '["train","val"]' },
    ]);
    expect(Number(model.ir_version)).toBe(8);
    expect(model.opset_import.map((o: { version: unknown }) => Number(o.version))).toEqual([17]);
    const initializers = model.graph.initializer.map((t: { name: string }) => t.name);
    expect(initializers).toEqual(spec.params.map((p) => p.name));
    expect(model.graph.node.map((n: { op_type: string }) => n.op_type)).not.toContain('Dropout');
  });

  it('names the node and op it cannot map', () => {
    const withLoss: GraphSpec = { ...spec, nodes: [...spec.nodes, { name: 'loss', op: 'softmax_cross_entropy', inputs: ['fc'] }] };
    expect(() => exportOnnx(withLoss, weights, { classNames: CLASS_NAMES })).toThrow(
      'onnx export of light-cnn: node "loss" has op "softmax_cross_entropy", which has no ONNX mapping',
    );
  });

  it('names a missing or mis-sized parameter', () => {
    const short = new Map(weights);
    short.set('fc.bias', new Float32Array(3));
    expect(() => exportOnnx(spec, short, { classNames: CLASS_NAMES })).toThrow('weights for fc.bias have 3 values, shape [2] needs 2');
    short.delete('fc.bias');
    expect(() => exportOnnx(spec, short, { classNames: CLASS_NAMES })).toThrow('no weights for parameter fc.bias [2]');
  });
});

describe('writeOnnxFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onnx-file-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('replaces the file whole and leaves no temporary file', async () => {
    const path = join(dir, 'model.onnx');
    await writeOnnxFile(path, Uint8Array.of(1, 2, 3));
    await writeOnnxFile(path, Uint8Array.of(4, 5));
    expect([...(await readFile(path))]).toEqual([4, 5]);
    expect(await readdir(dir)).toEqual(['model.onnx']);
  });

  it('says why it cannot write, naming the path', async () => {
    const path = join(dir, 'missing', 'model.onnx');
    await expect(writeOnnxFile(path, Uint8Array.of(1))).rejects.toThrow(`cannot write ONNX model ${path}: its folder does not exist`);
  });
});
