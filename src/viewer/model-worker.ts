// The model runs here, off the page's thread: decoding, preprocessing, the forward passes,
// the class activation map and the per-layer timings. One request at a time, in order.
import { classActivationMaps } from '../nets/cam.ts';
import { checkMembersAgree, ensembleCam, meanOf } from '../nets/ensemble-combine.ts';
import { inferenceNet } from '../nets/fold-batchnorm.ts';
import { decodeModel, requireCovidClassifier } from '../nets/model-format.ts';
import type { Net } from '../nets/net.ts';
import { softmaxRows } from '../cli/softmax.ts';
import type { Backend, BackendName } from '../runtime/backend.ts';
import { DeviceLostError } from '../runtime/errors.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { createBackend } from '../runtime/create-backend.ts';
import { croppedFor, type Crop } from '../train/data/crop.ts';
import { checkPreprocessing } from '../train/data/check-preprocessing.ts';
import { decodeImage } from '../train/data/decode-image.ts';
import type { GrayImage } from '../train/data/image.ts';
import type { Normalise } from '../train/data/normalise.ts';
import { preprocess } from '../train/data/preprocess.ts';
import { resizeGray } from '../train/data/resize.ts';
import { fetchModel } from './fetch-model.ts';
import { profileLayersOf, type LayerProfile } from './layer-profile.ts';
import type { BackendInfo, BackendWish, ModelFile, ModelSummary, Prediction, Tagged, WorkerReply, WorkerRequest } from './worker-protocol.ts';

/** A model of the loaded ensemble (one model is an ensemble of one): its net, weights and preprocessing. */
type Member = ReturnType<typeof decodeModel> & { source: string; crop: Crop; normalise: Normalise };

let members: Member[] = [];
const backends = new Map<BackendName, Backend>();
/** Nets of the current members, per backend, built (and warmed up) on first use. */
const nets = new Map<BackendName, Net[]>();
let current: BackendName = 'cpu';
let webgpuUnavailable: string | null = null;
let webgpuLost = false;

async function loadMember({ source, url, bytes }: ModelFile): Promise<Member> {
  const data = bytes ?? (await fetchModel(url!, source));
  const decoded = decodeModel(data, source);
  requireCovidClassifier(decoded.meta, source);
  const checked = checkPreprocessing(decoded.meta.preprocessing, source);
  if (!decoded.spec.cam) throw new Error(`${source}: ${decoded.meta.net} has no class activation maps; the viewer needs light-cnn`);
  const channels = decoded.spec.inputShape[0];
  if (channels !== 1) throw new Error(`${source}: the model takes ${channels}-channel input; the viewer feeds it one gray channel, as the model's training did`);
  return { ...decoded, source, ...checked };
}

/** Loads the files as the new ensemble; the members must agree on input size and classes, as the CLI's do. */
async function loadModels(files: ModelFile[]): Promise<ModelSummary[]> {
  const loaded: Member[] = [];
  for (const file of files) loaded.push(await loadMember(file)); // in order: the first file at fault is the one named
  checkMembersAgree(loaded.map((m) => ({ name: m.source, inputShape: m.spec.inputShape, classNames: m.meta.classNames })));
  for (const list of nets.values()) list.forEach((net) => net.dispose());
  nets.clear();
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
    // The device took the net's buffers with it: nothing to free.
    nets.delete('webgpu');
    backends.delete('webgpu');
    webgpuUnavailable = err.message;
    webgpuLost = true;
    current = 'cpu';
    return job();
  }
}

/** The current members' nets on the current backend; new ones first run once on zeros, as the CLI does. */
async function currentNets(): Promise<{ nets: Net[]; warmUpMs: number | null }> {
  if (members.length === 0) throw new Error('no model is loaded: open a model file (.safetensors) or give its address as ?model=URL');
  const existing = nets.get(current);
  if (existing) return { nets: existing, warmUpMs: null };
  const started = performance.now();
  if (!backends.has(current)) await select(current);
  const backend = backends.get(current)!;
  const built: Net[] = [];
  try {
    for (const { spec, weights } of members) {
      built.push(inferenceNet(spec, backend, weights));
      const x = backend.tensor([1, ...spec.inputShape]);
      try {
        const pass = built[built.length - 1].forward(x, 'infer');
        await pass.logits.read();
        built[built.length - 1].release(pass);
      } finally {
        x.dispose();
      }
    }
  } catch (err) {
    built.forEach((net) => net.dispose());
    throw err;
  }
  nets.set(current, built);
  return { nets: built, warmUpMs: performance.now() - started };
}

/** The slice sent back to be drawn under the CAM is at most this wide and high: the page draws it, and a heat layer, at that size. */
const MAX_SHOWN_SIDE = 1024;

function shownImage(image: GrayImage): GrayImage {
  const scale = MAX_SHOWN_SIDE / Math.max(image.width, image.height);
  if (scale >= 1) return image;
  const [width, height] = [Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale))];
  return { width, height, data: resizeGray(image, width, height) };
}

/** The class probabilities, the forward pass's wall time and every class's CAM; frees what the pass kept. */
async function classifyInput(net: Net, x: Tensor, classes: number) {
  const started = performance.now();
  const pass = net.forward(x, 'infer', { keepFeatures: true });
  try {
    const probs = softmaxRows(await pass.logits.read(), classes);
    const latencyMs = performance.now() - started;
    const cams = await classActivationMaps(net, pass.features!);
    return { probs, latencyMs, maps: cams.raw, height: cams.rawSize[0], width: cams.rawSize[1] };
  } finally {
    net.release(pass);
  }
}

/** Each member scores the slice as its training prepared slices; the ensemble's answer is their mean, its map theirs placed over the first member's crop. */
async function predict(fileName: string, bytes: Uint8Array): Promise<Prediction> {
  const decoded = decodeImage(bytes, fileName);
  const { nets: memberNets, warmUpMs } = await currentNets();
  const { classNames } = members[0].meta;
  const crops = members.map((m) => croppedFor(decoded, m.crop));
  const scored = [];
  let profile: LayerProfile | undefined;
  for (const [i, { spec, normalise }] of members.entries()) {
    const x = memberNets[i].backend.tensor([1, ...spec.inputShape], preprocess(crops[i].image, { size: spec.inputShape[1], normalise }));
    try {
      scored.push(await classifyInput(memberNets[i], x, classNames.length));
      profile ??= await profileLayersOf(memberNets[i], x);
    } finally {
      x.dispose();
    }
  }
  const probs = meanOf(scored.map((m) => m.probs));
  const best = probs[0] >= probs[1] ? 0 : 1;
  const cam = ensembleCam(scored.map(({ maps, height, width }, i) => ({ data: maps.slice(best * height * width, (best + 1) * height * width), height, width, box: crops[i].box })));
  const image = crops[0].image;
  return {
    fileName,
    image: shownImage(image),
    fileSize: { width: decoded.width, height: decoded.height },
    croppedSize: { width: image.width, height: image.height },
    label: classNames[best],
    pCovid: probs[classNames.indexOf('COVID')],
    backend: backendInfo(),
    latencyMs: scored.reduce((sum, m) => sum + m.latencyMs, 0),
    warmUpMs,
    cam: { ...cam, className: classNames[best] },
    profile: profile!,
  };
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
