import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { benchWeights } from '../../bench/bench-inputs.ts';
import { maxAbsDiff } from '../../bench/latency.ts';
import { oursInferRunner } from '../../bench/ours.ts';
import { ortRunner, type OrtApi } from '../../bench/peer-ort.ts';
import { tfjsInferRunner, useTfjsBackend } from '../../bench/peer-tfjs.ts';
import { nchwToNhwc } from '../../bench/tfjs-model.ts';
import { buildNet } from '../../src/nets/index.ts';
import { exportOnnx } from '../../src/nets/onnx-export.ts';
import { ModelProto } from '../../src/nets/onnx-schema.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';

const SIZE = 32;
const BATCH = 2;

async function ours(name: string): Promise<Float32Array> {
  const spec = buildNet(name, { size: SIZE });
  const runner = oursInferRunner(new CpuBackend(), spec, benchWeights(spec), BATCH);
  return (await runner.run())!;
}

describe('peers on our nets and weights agree with our CPU backend', () => {
  it.each(['light-cnn', 'squeezenet', 'squeezenet-bypass'])('TensorFlow.js layers rebuild of %s (tfjs cpu)', async (name) => {
    await useTfjsBackend('cpu');
    const spec = buildNet(name, { size: SIZE });
    const runner = tfjsInferRunner(spec, benchWeights(spec), BATCH);
    const probs = (await runner.run())!;
    runner.dispose();
    const want = await ours(name);
    expect(probs.length).toBe(BATCH * 2);
    // Non-trivial probabilities, so agreeing means something.
    expect(Math.max(...want)).toBeLessThan(0.9999);
    expect(maxAbsDiff(probs, want)).toBeLessThan(1e-5);
  });

  it('onnxruntime-node on our export, whose ceil-mode pools are written as end padding (ONNX Runtime Web\'s WebGPU MaxPool has no ceil_mode)', async () => {
    const spec = buildNet('light-cnn', { size: SIZE });
    const model = exportOnnx(spec, benchWeights(spec), { classNames: ['non-COVID', 'COVID'] });
    const pools = (ModelProto.toObject(ModelProto.decode(model), { longs: Number }) as { graph: { node: { op_type: string; attribute: { name: string; i?: number; ints?: number[] }[] }[] } }).graph.node.filter((n) => n.op_type === 'MaxPool');
    expect(pools.length).toBe(3);
    for (const p of pools) {
      expect(p.attribute.find((a) => a.name === 'ceil_mode')?.i ?? 0).toBe(0);
      expect(p.attribute.find((a) => a.name === 'pads')?.ints).toEqual([0, 0, 1, 1]);
    }
    const runner = await ortRunner(ort as unknown as OrtApi, model, 'cpu', spec, BATCH);
    expect(maxAbsDiff((await runner.run())!, await ours('light-cnn'))).toBeLessThan(1e-5);
    await runner.dispose();
  });
});

describe('nchwToNhwc', () => {
  it('moves channels last', () => {
    // [1, 2, 1, 3]: channel 0 = 0 1 2, channel 1 = 10 11 12.
    expect(Array.from(nchwToNhwc(Float32Array.of(0, 1, 2, 10, 11, 12), [1, 2, 1, 3]))).toEqual([0, 10, 1, 11, 2, 12]);
  });
});

describe('maxAbsDiff', () => {
  it('is infinite for NaN or a length mismatch', () => {
    expect(maxAbsDiff(Float32Array.of(0.5, NaN), Float32Array.of(0.5, 0.5))).toBe(Infinity);
    expect(maxAbsDiff(Float32Array.of(0.5), Float32Array.of(0.5, 0.5))).toBe(Infinity);
    expect(maxAbsDiff(Float32Array.of(0.25, 0.75), Float32Array.of(0.5, 0.5))).toBe(0.25);
  });
});
