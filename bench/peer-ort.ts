import type { GraphSpec } from '../src/nets/graph.ts';
import { benchInput } from './bench-inputs.ts';
import type { CaseRunner } from './latency.ts';

/** What the bench uses of ONNX Runtime; onnxruntime-node and onnxruntime-web both have it. */
export interface OrtApi {
  InferenceSession: {
    create(model: Uint8Array, options: { executionProviders: string[] }): Promise<OrtSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}

interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
  release(): Promise<void>;
}

/** Inference of our exported ONNX model (input [N,C,H,W] → probabilities [N,classes]) on one execution provider. */
export async function ortRunner(ort: OrtApi, model: Uint8Array, provider: string, spec: GraphSpec, batch: number): Promise<CaseRunner> {
  const session = await ort.InferenceSession.create(model, { executionProviders: [provider] });
  const input = benchInput(spec, batch);
  const dims = [batch, ...spec.inputShape];
  // Our export has one input (the batch) and one output (the probabilities).
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  return {
    async run() {
      const out = await session.run({ [inputName]: new ort.Tensor('float32', input, dims) });
      const probs = out[outputName]?.data;
      if (!(probs instanceof Float32Array)) throw new Error(`ONNX Runtime (${provider}) gave no float32 output "${outputName}"`);
      return probs;
    },
    dispose: () => session.release(),
  };
}
