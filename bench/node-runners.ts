import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import type { GraphSpec } from '../src/nets/graph.ts';
import type { Backend } from '../src/runtime/backend.ts';
import { createBackend } from '../src/runtime/create-backend.ts';
import type { PlannedCase } from './bench-plan.ts';
import type { CaseRunner } from './latency.ts';
import { oursInferRunner, oursTrainRunner } from './ours.ts';
import { ortRunner, type OrtApi } from './peer-ort.ts';
import { tfjsInferRunner, tfjsTrainRunner, useTfjsBackend } from './peer-tfjs.ts';

export interface NetInputs {
  spec: GraphSpec;
  weights: ReadonlyMap<string, Float32Array>;
  /** Our exported ONNX model of the net (made once, when some case needs it). */
  onnx(): Uint8Array;
}

/** Our backends in Node, each made once (the WebGPU one is Dawn on this machine's adapter). */
export class NodeBackends {
  private readonly made = new Map<string, Promise<Backend>>();

  get(name: 'webgpu' | 'cpu'): Promise<Backend> {
    let b = this.made.get(name);
    if (!b) this.made.set(name, (b = createBackend(name)));
    return b;
  }

  async dispose(): Promise<void> {
    for (const b of this.made.values()) (await b.catch(() => null))?.dispose();
    this.made.clear();
  }
}

/** The runner of one Node case: ours on Dawn or the CPU, onnxruntime-node, or TensorFlow.js on its plain-JS cpu backend. */
export async function nodeRunner(c: PlannedCase, net: NetInputs, backends: NodeBackends): Promise<CaseRunner> {
  const train = c.mode === 'train';
  if (c.impl === 'ours') {
    const backend = await backends.get(c.backend as 'webgpu' | 'cpu');
    return (train ? oursTrainRunner : oursInferRunner)(backend, net.spec, net.weights, c.batch);
  }
  if (c.impl === 'ort-node' && !train) return ortRunner(ort as unknown as OrtApi, net.onnx(), c.backend, net.spec, c.batch);
  if (c.impl === 'tfjs') {
    await useTfjsBackend(c.backend);
    return (train ? tfjsTrainRunner : tfjsInferRunner)(net.spec, net.weights, c.batch);
  }
  throw new Error(`Node runs no ${c.impl} ${c.mode} case`);
}
