// The model runs here, off the page's thread: decoding, preprocessing, the forward passes,
// the class activation map and the per-layer timings. One request at a time, in order.
import { CtClassifier, decodeClassifier, type ClassifierMember } from '../nets/ct-classifier.ts';
import type { Backend, BackendName } from '../runtime/backend.ts';
import { DeviceLostError } from '../runtime/errors.ts';
import { createBackend } from '../runtime/create-backend.ts';
import { decodeImage } from '../train/data/decode-image.ts';
import type { GrayImage } from '../train/data/image.ts';
import { resizeGray } from '../train/data/resize.ts';
import { fetchModel } from './fetch-model.ts';
import { profileLayersOf } from './layer-profile.ts';
import type { BackendInfo, BackendWish, ModelFile, ModelSummary, Prediction, Tagged, WorkerReply, WorkerRequest } from './worker-protocol.ts';

let members: ClassifierMember[] = [];
const backends = new Map<BackendName, Backend>();
/** The classifier of the current members, per backend, made (and warmed up) on first use. */
const classifiers = new Map<BackendName, CtClassifier>();
let current: BackendName = 'cpu';
let webgpuUnavailable: string | null = null;
let webgpuLost = false;

/** Loads the files as the new ensemble; the members must agree on input size and classes, as the CLI's do. */
async function loadModels(files: ModelFile[]): Promise<ModelSummary[]> {
  const fetched = [];
  for (const { source, url, bytes } of files) fetched.push({ source, bytes: bytes ?? (await fetchModel(url!, source)) });
  const loaded = decodeClassifier(fetched);
  for (const classifier of classifiers.values()) classifier.dispose();
  classifiers.clear();
  members = loaded;
  return loaded.map(({ source, meta, spec }) => {
    const training = typeof meta.training === 'string' ? meta.training : JSON.stringify(meta.training);
    const parameters = spec.params.filter((p) => p.trainable).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
    return { source, net: meta.net, classNames: meta.classNames, training, parameters };
  });
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
    // The device took the nets' buffers with it: nothing to free.
    classifiers.delete('webgpu');
    backends.delete('webgpu');
    webgpuUnavailable = err.message;
    webgpuLost = true;
    current = 'cpu';
    return job();
  }
}

/** The current members' classifier on the current backend, and its warm-up time when it is new. */
async function currentClassifier(): Promise<{ classifier: CtClassifier; warmUpMs: number | null }> {
  if (members.length === 0) throw new Error('no model is loaded: open a model file (.safetensors) or give its address as ?model=URL');
  const existing = classifiers.get(current);
  if (existing) return { classifier: existing, warmUpMs: null };
  if (!backends.has(current)) await select(current);
  const classifier = await CtClassifier.create(members, backends.get(current)!);
  classifiers.set(current, classifier);
  return { classifier, warmUpMs: classifier.warmUpMs };
}

/** The slice sent back to be drawn under the CAM is at most this wide and high: the page draws it, and a heat layer, at that size. */
const MAX_SHOWN_SIDE = 1024;

function shownImage(image: GrayImage): GrayImage {
  const scale = MAX_SHOWN_SIDE / Math.max(image.width, image.height);
  if (scale >= 1) return image;
  const [width, height] = [Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale))];
  return { width, height, data: resizeGray(image, width, height) };
}

/** The ensemble's answer, its map over the first member's crop, and the first member's per-layer times. */
async function predict(fileName: string, bytes: Uint8Array): Promise<Prediction> {
  const decoded = decodeImage(bytes, fileName);
  const { classifier, warmUpMs } = await currentClassifier();
  const { label, pCovid, latencyMs, slice, cam } = await classifier.classify(decoded);
  const x = classifier.input(decoded, 0);
  try {
    return {
      fileName,
      image: shownImage(slice),
      fileSize: { width: decoded.width, height: decoded.height },
      croppedSize: { width: slice.width, height: slice.height },
      label,
      pCovid,
      backend: backendInfo(),
      latencyMs,
      warmUpMs,
      cam,
      profile: await profileLayersOf(classifier.nets[0], x),
    };
  } finally {
    x.dispose();
  }
}

async function handle(request: Tagged<WorkerRequest>): Promise<WorkerReply> {
  const { id } = request;
  switch (request.kind) {
    case 'load-model':
      return { id, kind: 'model', models: await loadModels(request.files) };
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
