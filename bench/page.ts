// The bench page: runs one case at a time for bench/chromium-cases.ts, which calls window.benchPage
// through puppeteer. Our backends, ONNX Runtime Web (wasm, webgpu) and TensorFlow.js (cpu, wasm, webgpu).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-web';
import type { GraphSpec } from '../src/nets/graph.ts';
import { buildNet } from '../src/nets/index.ts';
import type { Backend } from '../src/runtime/backend.ts';
import { createBackend } from '../src/runtime/create-backend.ts';
import { WebGpuBackend } from '../src/runtime/gpu/backend.ts';
import { benchWeights } from './bench-inputs.ts';
import type { PageAdapter, PageCase } from './page-protocol.ts';
import { measureSafely, type CaseRunner, type Measured } from './latency.ts';
import { oursInferRunner, oursTrainRunner } from './ours.ts';
import { ortRunner, type OrtApi } from './peer-ort.ts';
import { tfjsInferRunner, tfjsTrainRunner, useTfjsBackend } from './peer-tfjs.ts';

// Threads need SharedArrayBuffer, which needs a cross-origin-isolated page (the dev server sends COOP/COEP).
const threads = crossOriginIsolated ? navigator.hardwareConcurrency : 1;
ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
ort.env.wasm.numThreads = threads;
setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
setThreadsCount(threads);

const backends = new Map<string, Promise<Backend>>();
const ourBackend = (name: 'webgpu' | 'cpu') => backends.get(name) ?? backends.set(name, createBackend(name)).get(name)!;

async function adapter(): Promise<PageAdapter> {
  try {
    const b = (await ourBackend('webgpu')) as WebGpuBackend;
    return { name: b.gpu.adapterName, isSoftware: b.gpu.isSoftware, fourLaneSubgroups: b.gpu.fourLaneSubgroups, crossOriginIsolated, threads, reason: null };
  } catch (err) {
    return { name: null, isSoftware: false, fourLaneSubgroups: false, crossOriginIsolated, threads, reason: (err as Error).message };
  }
}

async function onnxModel(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function makeRunner(c: PageCase, spec: GraphSpec): Promise<CaseRunner> {
  const weights = benchWeights(spec);
  const train = c.mode === 'train';
  if (c.impl === 'ours') {
    const backend = await ourBackend(c.backend as 'webgpu' | 'cpu');
    return (train ? oursTrainRunner : oursInferRunner)(backend, spec, weights, c.batch);
  }
  if (c.impl === 'ort-web') {
    if (!c.onnxUrl) throw new Error('an ort-web case needs the URL of the ONNX model');
    return ortRunner(ort as unknown as OrtApi, await onnxModel(c.onnxUrl), c.backend, spec, c.batch);
  }
  if (c.impl === 'tfjs') {
    await useTfjsBackend(c.backend);
    return (train ? tfjsTrainRunner : tfjsInferRunner)(spec, weights, c.batch);
  }
  throw new Error(`the bench page does not run impl ${c.impl}`);
}

function howItRan(c: PageCase): string | undefined {
  if (c.impl === 'ort-web' && c.backend === 'wasm') return `${threads} thread(s), SIMD`;
  if (c.impl === 'tfjs' && c.backend === 'wasm') return `${getThreadsCount()} thread(s)`;
  return undefined;
}

async function run(c: PageCase): Promise<Measured> {
  const spec = buildNet(c.net, { size: c.size });
  const reference = c.reference ? Float32Array.from(c.reference) : null;
  const measured = await measureSafely(() => makeRunner(c, spec), c.plan, c.batch, reference);
  const how = howItRan(c);
  return how && !measured.note ? { ...measured, note: how } : measured;
}

window.benchPage = { adapter, run };
