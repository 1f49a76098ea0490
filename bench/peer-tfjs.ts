import * as tf from '@tensorflow/tfjs-core';
import type { GraphSpec } from '../src/nets/graph.ts';
import { BENCH_SGD, benchInput, benchLabels } from './bench-inputs.ts';
import type { CaseRunner } from './latency.ts';
import { nchwToNhwc, tfjsModel } from './tfjs-model.ts';

/** Makes `backend` TensorFlow.js's current backend; its package must have been imported (registered) first. */
export async function useTfjsBackend(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend ${backend} did not initialise`);
  await tf.ready();
}

function nhwcBatch(spec: GraphSpec, batch: number): { data: Float32Array; shape: [number, number, number, number] } {
  const [c, h, w] = spec.inputShape;
  return { data: nchwToNhwc(benchInput(spec, batch), [batch, c, h, w]), shape: [batch, h, w, c] };
}

/** Inference with the tfjs rebuild of our net on the current tfjs backend: upload, predict, read back. */
export function tfjsInferRunner(spec: GraphSpec, weights: ReadonlyMap<string, Float32Array>, batch: number): CaseRunner {
  const model = tfjsModel(spec, weights);
  const { data, shape } = nhwcBatch(spec, batch);
  return {
    async run() {
      const x = tf.tensor4d(data, shape);
      const y = model.predict(x) as tf.Tensor;
      const probs = (await y.data()) as Float32Array;
      tf.dispose([x, y]);
      return probs;
    },
    dispose() {
      model.dispose();
    },
  };
}

/**
 * One training step of the tfjs rebuild: trainOnBatch with SGD + momentum on the softmax
 * cross-entropy. Unlike ours it applies no weight decay (tfjs would add it as extra regulariser ops).
 */
export function tfjsTrainRunner(spec: GraphSpec, weights: ReadonlyMap<string, Float32Array>, batch: number): CaseRunner {
  const model = tfjsModel(spec, weights);
  model.compile({ optimizer: tf.train.momentum(BENCH_SGD.lr, BENCH_SGD.momentum), loss: 'categoricalCrossentropy' });
  const { data, shape } = nhwcBatch(spec, batch);
  const labels = benchLabels(batch);
  const classes = model.outputs[0].shape[1]!;
  return {
    async run() {
      const x = tf.tensor4d(data, shape);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes));
      await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
      return null;
    },
    dispose() {
      model.dispose();
    },
  };
}
