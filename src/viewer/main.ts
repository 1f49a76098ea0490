// The page: wires the controls to the model worker and draws what it answers.
import { SHIPPED_MODELS } from '../nets/shipped-models.ts';
import type { BackendName } from '../runtime/backend.ts';
import { drawOverlay, drawSlice, heatLayer } from './cam-view.ts';
import { renderLayerTimings } from './layer-chart.ts';
import { renderGallery } from './samples.ts';
import { parseTrainingLog } from './training-log.ts';
import { renderTrainingLog } from './training-panel.ts';
import { ModelWorker } from './worker-client.ts';
import type { BackendInfo, BackendWish, ModelFile, ModelSummary, Prediction } from './worker-protocol.ts';

function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.querySelector<T>(`[data-testid="${id}"]`);
  if (!found) throw new Error(`index.html has no element with data-testid="${id}"`);
  return found;
}

const ui = {
  backendSelect: byTestId<HTMLSelectElement>('backend-select'),
  backendStatus: byTestId('backend-status'),
  modelStatus: byTestId('model-status'),
  modelInput: byTestId<HTMLInputElement>('model-input'),
  error: byTestId('error'),
  dropZone: byTestId('drop-zone'),
  fileInput: byTestId<HTMLInputElement>('file-input'),
  gallery: byTestId('gallery'),
  status: byTestId('status'),
  sliceCanvas: byTestId<HTMLCanvasElement>('slice-canvas'),
  fileName: byTestId('file-name'),
  camCanvas: byTestId<HTMLCanvasElement>('cam-canvas'),
  camClass: byTestId('cam-class'),
  opacity: byTestId<HTMLInputElement>('cam-opacity'),
  prediction: byTestId('prediction'),
  pCovid: byTestId('p-covid'),
  latency: byTestId('latency-ms'),
  latencyBackend: byTestId('latency-backend'),
  latencyTable: byTestId('latency-table'),
  layerTimings: byTestId('layer-timings'),
  logInput: byTestId<HTMLInputElement>('log-input'),
  trainingChart: byTestId('training-chart'),
};

const worker = new ModelWorker();
/** The slice the user opened last: switching backend or model classifies it again. */
let lastFile: { fileName: string; bytes: Uint8Array } | null = null;
/** Numbered as the user asks (a drop, a click), before the file is read: only the latest request's answer is shown. */
let latestRequest = 0;
/** The model status line of the model in use, kept when another model file is refused. */
let modelLine: string | null = null;
/** Answers shown (a result or an error), in document.body.dataset.finished for the tests; superseded requests do not count. */
let finishedRequests = 0;
let heat: HTMLCanvasElement | null = null;
const latencies = new Map<BackendName, { description: string; ms: number }>();

function showError(message: string | null): void {
  ui.error.textContent = message ?? '';
  ui.error.hidden = message === null;
}

function showBackend(info: BackendInfo): void {
  ui.backendSelect.value = info.name;
  const webgpu = ui.backendSelect.querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
  webgpu.disabled = info.webgpuUnavailable !== null;
  webgpu.textContent = info.webgpuUnavailable ? 'WebGPU (not available)' : 'WebGPU';
  ui.backendStatus.textContent = info.webgpuLost
    ? `The GPU device was lost, so the model runs on the CPU now (${info.webgpuUnavailable}); reload the page to try WebGPU again.`
    : info.webgpuUnavailable
      ? `WebGPU is not available in this browser, so the model runs on the CPU (${info.webgpuUnavailable}).`
      : `Running on ${info.description}.`;
  document.body.dataset.backend = info.name;
}

/** After an error nothing of the previous slice stays on screen, so its answer cannot be taken for the new file's. */
function clearResult(): void {
  for (const el of [ui.prediction, ui.pCovid, ui.latency, ui.latencyBackend, ui.camClass]) el.textContent = '–';
  for (const canvas of [ui.sliceCanvas, ui.camCanvas]) canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
  ui.fileName.textContent = 'No slice';
  heat = null;
}

function showPrediction(p: Prediction, note: string): void {
  showBackend(p.backend);
  drawSlice(ui.sliceCanvas, p.image);
  heat = heatLayer(p.cam, p.image.width, p.image.height);
  drawOverlay(ui.camCanvas, ui.sliceCanvas, heat, Number(ui.opacity.value));
  const { width, height } = p.fileSize;
  const cropped = p.croppedSize.width !== width || p.croppedSize.height !== height;
  ui.fileName.textContent = `${p.fileName} (${width} × ${height}${cropped ? `, as the model crops it: ${p.croppedSize.width} × ${p.croppedSize.height}` : ''})`;
  ui.camClass.textContent = p.cam.className;
  ui.prediction.textContent = p.label;
  ui.pCovid.textContent = p.pCovid.toFixed(6);
  ui.latency.textContent = p.latencyMs.toFixed(1);
  ui.latencyBackend.textContent = p.backend.description;
  latencies.set(p.backend.name, { description: p.backend.description, ms: p.latencyMs });
  ui.latencyTable.replaceChildren(
    ...[...latencies].map(([name, l]) => {
      const item = document.createElement('li');
      item.dataset.backend = name;
      item.textContent = `${l.description}: ${l.ms.toFixed(1)} ms`;
      return item;
    }),
  );
  if ('error' in p.profile) ui.layerTimings.textContent = `The per-layer timing failed: ${p.profile.error}`;
  else renderLayerTimings(ui.layerTimings, p.profile.layers, p.profile.timing, p.backend.description);
  const warmUp = p.warmUpMs === null ? '' : ` (first image on this backend: ${(p.warmUpMs / 1000).toFixed(1)} s to upload the weights and run once)`;
  ui.status.textContent = `Classified ${p.fileName} on ${p.backend.description} in ${p.latencyMs.toFixed(1)} ms${warmUp}.${note}`;
}

/**
 * Reads a slice (a dropped file, a sample) and classifies it; `note` is added to the status line.
 * The request is numbered before the read, so a slow read never overtakes a later request.
 */
async function open(fileName: string, load: () => Promise<Uint8Array>, note = ''): Promise<void> {
  const request = ++latestRequest;
  document.body.dataset.busy = 'true';
  showError(null);
  ui.status.textContent = `Classifying ${fileName}…`;
  try {
    const bytes = await load();
    if (request !== latestRequest) return;
    lastFile = { fileName, bytes };
    // The worker takes the bytes it is given; keep our own for re-runs.
    const prediction = await worker.predict(fileName, bytes.slice());
    if (request !== latestRequest) return;
    showPrediction(prediction, note);
  } catch (err) {
    if (request !== latestRequest) return;
    clearResult();
    ui.status.textContent = '';
    showError((err as Error).message);
  } finally {
    if (request === latestRequest) {
      document.body.dataset.busy = 'false';
      document.body.dataset.finished = String(++finishedRequests);
    }
  }
}

async function readFile(file: File): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    throw new Error(`cannot read ${file.name}: ${(err as Error).message}`);
  }
}

function openFiles(files: FileList | null | undefined): void {
  const file = files?.[0];
  if (!file) return;
  const note = files.length > 1 ? ` ${files.length} files were given: the viewer shows one slice at a time, the first.` : '';
  void open(file.name, () => readFile(file), note);
}

/** Classifies the last slice again after a switch of backend or model, unless the user opened another meanwhile. */
function reclassify(requestBefore: number): void {
  if (lastFile && latestRequest === requestBefore) void open(lastFile.fileName, async () => lastFile!.bytes);
}

async function switchBackend(wish: BackendWish): Promise<void> {
  ui.backendSelect.disabled = true;
  const requestBefore = latestRequest;
  try {
    showBackend(await worker.useBackend(wish));
    reclassify(requestBefore);
  } catch (err) {
    showError((err as Error).message);
    ui.backendSelect.value = document.body.dataset.backend ?? 'cpu';
  } finally {
    ui.backendSelect.disabled = false;
  }
}

const describeModel = (m: ModelSummary) => `${m.net}, ${m.parameters.toLocaleString('en')} parameters, from ${m.source} (training: ${m.training})`;

/** Loads one model file, or several as an ensemble. */
async function loadModel(files: ModelFile[], isDefault: boolean): Promise<void> {
  const sources = files.map((f) => f.source).join(', ');
  ui.modelStatus.textContent = `Loading the model ${sources}…`;
  const requestBefore = latestRequest;
  try {
    const models = await worker.loadModel(files);
    modelLine = models.length === 1 ? `Model: ${describeModel(models[0])}` : `Model: an ensemble of ${models.length}, P(COVID) the mean of theirs: ${models.map(describeModel).join('; ')}`;
    ui.modelStatus.textContent = modelLine;
    showError(null);
    latencies.clear();
    ui.latencyTable.replaceChildren();
    reclassify(requestBefore);
  } catch (err) {
    // The worker keeps the model it had when a new one is refused.
    ui.modelStatus.textContent = modelLine ? `${modelLine}; ${sources} was refused.` : 'No model loaded.';
    const hint = isDefault ? ' No trained model ships with this page yet: open a model file (.safetensors) or add ?model=URL to the address.' : '';
    showError(`${(err as Error).message.replace(/\.$/, '')}.${hint}`);
  }
}

async function openTrainingLog(file: File | undefined): Promise<void> {
  if (!file) return;
  try {
    const text = new TextDecoder().decode(await readFile(file));
    renderTrainingLog(ui.trainingChart, parseTrainingLog(text, file.name), file.name);
    showError(null);
  } catch (err) {
    showError((err as Error).message);
  }
}

ui.fileInput.onchange = () => {
  openFiles(ui.fileInput.files);
  ui.fileInput.value = '';
};
// A file dropped beside the drop zone would make the browser open it in place of the page.
document.ondragover = document.ondrop = (event) => event.preventDefault();
ui.dropZone.ondragover = (event) => {
  event.preventDefault();
  ui.dropZone.classList.add('dragging');
};
ui.dropZone.ondragleave = () => ui.dropZone.classList.remove('dragging');
ui.dropZone.ondrop = (event) => {
  event.preventDefault();
  ui.dropZone.classList.remove('dragging');
  openFiles(event.dataTransfer?.files);
};
ui.opacity.oninput = () => {
  if (heat) drawOverlay(ui.camCanvas, ui.sliceCanvas, heat, Number(ui.opacity.value));
};
ui.backendSelect.onchange = () => void switchBackend(ui.backendSelect.value as BackendName);
ui.modelInput.onchange = async () => {
  const files = Array.from(ui.modelInput.files ?? []);
  ui.modelInput.value = '';
  if (files.length === 0) return;
  try {
    await loadModel(await Promise.all(files.map(async (file) => ({ source: file.name, bytes: await readFile(file) }))), false);
  } catch (err) {
    showError((err as Error).message);
  }
};
ui.logInput.onchange = () => {
  void openTrainingLog(ui.logInput.files?.[0]);
  ui.logInput.value = '';
};
renderGallery(ui.gallery, (fileName, load) => void open(fileName, load));

const modelParam = new URLSearchParams(location.search).get('model');
void switchBackend('auto');
const modelSources = modelParam === null ? SHIPPED_MODELS : modelParam.split(',');
void loadModel(modelSources.map((source) => ({ source, url: new URL(source, location.href).href })), modelParam === null);
