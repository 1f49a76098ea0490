import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../nets/atomic-write.ts';
import { classActivationMaps } from '../nets/cam.ts';
import { inferenceNet } from '../nets/fold-batchnorm.ts';
import { loadModelFile } from '../nets/model-file.ts';
import type { Backend } from '../runtime/backend.ts';
import { createBackend, withDeviceFallback, type BackendChoice } from '../runtime/create-backend.ts';
import { camOverlayPng } from './cam-overlay.ts';
import { checkPreprocessing, prepareInputs, type PreparedInput } from './inputs.ts';
import { modelPath } from './model-path.ts';
import { softmaxRows } from './softmax.ts';

export const PREDICT_HELP = `covid-ct predict IMAGE|NPY... [--model FILE] [--backend webgpu|cpu|auto] [--json] [--cam DIR]
  Prints P(COVID), the label and the time per image. Images (PNG, JPEG, DICOM) are
  preprocessed as the model's metadata says; .npy files hold preprocessed float
  tensors [S,S], [1,S,S] or [N,1,S,S] and are fed to the net as they are.
  --json   one JSON array [{"file","pCovid","label","ms","backend"}] on stdout, nothing else
  --cam    write a class-activation-map overlay PNG per input into DIR`;

export interface Prediction {
  file: string;
  pCovid: number;
  label: string;
  ms: number;
  backend: string;
}

type Model = Awaited<ReturnType<typeof loadModelFile>>;

async function run(backend: Backend, model: Model, inputs: PreparedInput[], camDir?: string): Promise<Prediction[]> {
  const net = inferenceNet(model.spec, backend, model.weights);
  const [c, h, w] = model.spec.inputShape;
  const covid = model.meta.classNames.indexOf('COVID');
  const forward = async (input: Float32Array) => {
    const x = backend.tensor([1, c, h, w], input);
    const pass = net.forward(x, 'infer', { keepFeatures: camDir !== undefined });
    const probs = softmaxRows(await pass.logits.read(), model.meta.classNames.length);
    x.dispose();
    return { pass, probs };
  };
  net.release((await forward(inputs[0].input)).pass); // warm-up: builds pipelines and fills the buffer pool
  const out: Prediction[] = [];
  for (const item of inputs) {
    const start = performance.now();
    const { pass, probs } = await forward(item.input);
    const ms = performance.now() - start;
    const best = probs[0] >= probs[1] ? 0 : 1;
    out.push({ file: item.name, pCovid: probs[covid], label: model.meta.classNames[best], ms, backend: backend.name });
    if (camDir && pass.features) {
      const cams = await classActivationMaps(net, pass.features);
      const plane = cams.data.subarray(best * cams.size * cams.size, (best + 1) * cams.size * cams.size);
      const slice = item.image ?? { width: w, height: h, data: item.input.map((v) => Math.min(Math.max(v * 0.25 + 0.5, 0), 1)) };
      await writeFileAtomic(join(camDir, `${basename(item.name).replace(/[^\w.-]+/g, '_')}.cam.png`), camOverlayPng(slice, plane, cams.size));
    }
    net.release(pass);
  }
  net.dispose();
  return out;
}

export async function predictCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      cam: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new Error(`predict needs at least one image or .npy file\n${PREDICT_HELP}`);
  const file = modelPath(values.model);
  const model = await loadModelFile(file);
  const inputs = await prepareInputs(positionals, model.spec.inputShape[1], checkPreprocessing(model.meta.preprocessing, file));
  if (values.cam) {
    if (!model.spec.cam) throw new Error(`--cam: ${model.meta.net} has no class activation maps (only light-cnn does)`);
    await mkdir(values.cam, { recursive: true });
  }
  const notice = (line: string) => console.error(line);
  const backend = await createBackend(values.backend as BackendChoice, { notice });
  const { result } = await withDeviceFallback(backend, (b) => run(b, model, inputs, values.cam), { notice });
  backend.dispose();
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  for (const p of result) {
    console.log(`${p.file}\tP(COVID) = ${p.pCovid.toFixed(4)}\t${p.label}\t${p.ms.toFixed(1)} ms\t${p.backend}`);
  }
}
