// The model runs here, off the page's thread: decoding, preprocessing, the forward passes,
// the class activation map and the per-layer timings. One request at a time, in order.
import { classActivationMaps } from '../nets/cam.ts';
import { inferenceNet } from '../nets/fold-batchnorm.ts';
import { decodeModel, requireCovidClassifier } from '../nets/model-format.ts';
import type { Net } from '../nets/net.ts';
import { softmaxRows } from '../cli/softmax.ts';
import type { Backend, BackendName } from '../runtime/backend.ts';
import { DeviceLostError } from '../runtime/errors.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { createBackend } from '../runtime/create-backend.ts';
import { cropFor, type Crop } from '../train/data/crop.ts';
import { checkPreprocessing } from '../train/data/check-preprocessing.ts';
import { decodeImage } from '../train/data/decode-image.ts';
import type { GrayImage } from '../train/data/image.ts';
import type { Normalise } from '../train/data/normalise.ts';
import { preprocess } from '../train/data/preprocess.ts';
import { resizeGray } from '../train/data/resize.ts';
import { fetchModel } from './fetch-model.ts';
import { profileLayersOf } from './layer-profile.ts';
import type { BackendInfo, BackendWish, ModelSummary, Prediction, Tagged, WorkerReply, WorkerRequest } from './worker-protocol.ts';

type Model = ReturnType<typeof decodeModel> & { source: string };

let model: Model | null = null;
/** The current model's preprocessing crop (the picture under the CAM is cropped the same way) and normalisation. */
let preprocessing: { crop: Crop; normalise: Normalise } = { crop: 'none', normalise: 'dataset' };
const backends = new Map<BackendName, Backend>();
/** Nets of the current model, per backend, built (and warmed up) on first use. */
const nets = new Map<BackendName, Net>();
let current: BackendName = 'cpu';
let webgpuUnavailable: string | null = null;
let webgpuLost = false;

async function loadModel(source: string, url?: string, bytes?: Uint8Array): Promise<ModelSummary> {
  const data = bytes ?? (await fetchModel(url!, source));
  const decoded = { ...decodeModel(data, source), source };
  requireCovidClassifier(decoded.meta, source);
  const checked = checkPreprocessing(decoded.meta.preprocessing, source);
  if (!decoded.spec.cam) throw new Error(`${source}: ${decoded.meta.net} has no class activation maps; the viewer needs light-cnn`);
  const channels = decoded.spec.inputShape[0];
  if (channels !== 1) throw new Error(`${source}: the model takes ${channels}-channel input; the viewer feeds it one gray channel, as the model's training did`);
  for (const net of nets.values()) net.dispose();
  nets.clear();
  model = decoded;
  preprocessing = checked;
  const { meta, spec } = decoded;
  const training = typeof meta.training === 'string' ? meta.training : JSON.stringify(meta.training);
  const parameters = spec.params.filter((p) => p.trainable).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  return { source, net: meta.net, classNames: meta.classNames, training, parameters };
}

async function useBackend(wish: BackendWish): Promise<BackendInfo> {
  if (wish === 'cpu') return select('cpu');
  if (webgpuLost) throw new Error(`WebGPU is not available: ${webgpuUnavailable}`);
  if (!backends.has('webgpu')) {
    try {
      backends.set('webgpu', await createBackend('webgpu'));
      webgpuUnavailable = null;
    } catch (err) {
      webgpuUnavailable = (err as Error).message;
      if (wish === 'webgpu') throw new Error(`WebGPU is not available: ${webgpuUnavailable}`);
      return select('cpu');
    }
  }
  return select('webgpu');
}

async function select(name: BackendName): Promise<BackendInfo> {
  if (!backends.has(name)) backends.set(name, await createBackend(name));
  current = name;
  return backendInfo();
}

function backendInfo(): BackendInfo {
  return { name: current, description: backends.get(current)!.description, webgpuUnavailable, webgpuLost };
}

/** Runs `job` on the current backend; when the GPU device is lost, drops WebGPU, says why and runs `job` again on the CPU. */
async function withCpuFallback<T>(job: () => Promise<T>): Promise<T> {
  try {
    return await job();
  } catch (err) {
    if (!(err instanceof DeviceLostError) || current !== 'webgpu') throw err;
    // The device took the net's buffers with it: nothing to free.
    nets.delete('webgpu');
    backends.delete('webgpu');
    webgpuUnavailable = err.message;
    webgpuLost = true;
    current = 'cpu';
    return job();
  }
}

/** The current model's net on the current backend; a new one first runs once on zeros, as the CLI does. */
async function currentNet(): Promise<{ net: Net; warmUpMs: number | null }> {
  if (!model) throw new Error('no model is loaded: open a model file (.safetensors) or give its address as ?model=URL');
  const existing = nets.get(current);
  if (existing) return { net: existing, warmUpMs: null };
  const started = performance.now();
  if (!backends.has(current)) await select(current);
  const backend = backends.get(current)!;
  const net = inferenceNet(model.spec, backend, model.weights);
  const x = backend.tensor([1, ...model.spec.inputShape]);
  try {
    const pass = net.forward(x, 'infer');
    await pass.logits.read();
    net.release(pass);
  } catch (err) {
    net.dispose();
    throw err;
  } finally {
    x.dispose();
  }
  nets.set(current, net);
  return { net, warmUpMs: performance.now() - started };
}

/** The slice sent back to be drawn under the CAM is at most this wide and high: the page draws it, and a heat layer, at that size. */
const MAX_SHOWN_SIDE = 1024;

function shownImage(image: GrayImage): GrayImage {
  const scale = MAX_SHOWN_SIDE / Math.max(image.width, image.height);
  if (scale >= 1) return image;
  const [width, height] = [Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale))];
  return { width, height, data: resizeGray(image, width, height) };
}

/** The class probabilities, the forward pass's wall time and the predicted class's CAM; frees what the pass kept. */
async function classifyInput(net: Net, x: Tensor, classNames: string[]) {
  const started = performance.now();
  const pass = net.forward(x, 'infer', { keepFeatures: true });
  try {
    const probs = softmaxRows(await pass.logits.read(), classNames.length);
    const latencyMs = performance.now() - started;
    const best = probs[0] >= probs[1] ? 0 : 1;
    const cams = await classActivationMaps(net, pass.features!);
    const [h, w] = cams.rawSize;
    return { probs, latencyMs, best, cam: { data: cams.raw.slice(best * h * w, (best + 1) * h * w), width: w, height: h, className: classNames[best] } };
  } finally {
    net.release(pass);
  }
}

async function predict(fileName: string, bytes: Uint8Array): Promise<Prediction> {
  const decoded = decodeImage(bytes, fileName);
  const image = cropFor(decoded, preprocessing.crop);
  const { net, warmUpMs } = await currentNet();
  const { spec, meta } = model!;
  const x = net.backend.tensor([1, ...spec.inputShape], preprocess(image, { size: spec.inputShape[1], normalise: preprocessing.normalise }));
  try {
    const { probs, latencyMs, best, cam } = await classifyInput(net, x, meta.classNames);
    const profile = await profileLayersOf(net, x);
    return {
      fileName,
      image: shownImage(image),
      fileSize: { width: decoded.width, height: decoded.height },
      croppedSize: { width: image.width, height: image.height },
      label: meta.classNames[best],
      pCovid: probs[meta.classNames.indexOf('COVID')],
      backend: backendInfo(),
      latencyMs,
      warmUpMs,
      cam,
      profile,
    };
  } finally {
    x.dispose();
  }
}

async function handle(request: Tagged<WorkerRequest>): Promise<WorkerReply> {
  const { id } = request;
  switch (request.kind) {
    case 'load-model':
      return { id, kind: 'model', model: await loadModel(request.source, request.url, request.bytes) };
    case 'use-backend':
      return { id, kind: 'backend', backend: await useBackend(request.backend) };
    case 'predict': {
      const prediction = await withCpuFallback(() => predict(request.fileName, request.bytes));
      return { id, kind: 'prediction', prediction };
    }
  }
}

let queue = Promise.resolve();

self.onmessage = (event: MessageEvent<Tagged<WorkerRequest>>) => {
  const request = event.data;
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      reply = await handle(request);
    } catch (err) {
      reply = { id: request.id, kind: 'error', message: (err instanceof Error && err.message) || String(err) };
    }
    const transfer = reply.kind === 'prediction' ? [reply.prediction.image.data.buffer, reply.prediction.cam.data.buffer] : [];
    self.postMessage(reply, { transfer });
  });
};
