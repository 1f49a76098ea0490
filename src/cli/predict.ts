import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../nets/atomic-write.ts';
import { classActivationMaps } from '../nets/cam.ts';
import { ensembleCam, meanOf, type PlacedCam } from '../nets/ensemble-combine.ts';
import { inferenceNet } from '../nets/fold-batchnorm.ts';
import type { ForwardPass } from '../nets/net.ts';
import type { Backend } from '../runtime/backend.ts';
import { createBackend, withDeviceFallback } from '../runtime/create-backend.ts';
import { quarterTurn } from '../train/rotation-batch.ts';
import { turnsFromUpright, uprightImage } from '../train/upright.ts';
import { backendFlag } from './backend-flag.ts';
import { camOverlayPng } from './cam-overlay.ts';
import { ENSEMBLE_HELP, loadEnsemble, type Member } from './ensemble.ts';
import { prepareInputs, type PreparedInput } from './inputs.ts';
import { Progress } from './progress.ts';
import { softmaxRows } from './softmax.ts';
import { loadUprightModel, type UprightModel } from './upright-model.ts';

export const PREDICT_HELP = `covid-ct predict IMAGE|NPY... [--model FILE[,FILE...] | --models DIR] [--backend webgpu|cpu|auto] [--upright FILE] [--json] [--cam DIR] [--strict]
  Prints P(COVID), the label and the time per image (of all an ensemble's members together).
  Images (PNG, JPEG, DICOM) are preprocessed as the model's metadata says; .npy files hold
  preprocessed float tensors [S,S], [1,S,S] or [N,1,S,S] and are fed to the net as they are.
  An image that cannot be read or decoded is named on stderr and skipped (--strict: the run stops).
${ENSEMBLE_HELP}
  --upright FILE  first turn each image upright: an orientation net (covid-ct pretrain --pretext
            rotation) scores it at its four quarter turns, which name the turn it has, and it is
            turned back (images only, not .npy); the time includes those four passes
  --json    one JSON array [{"file","pCovid","label","ms","backend"}] on stdout, nothing else;
            with --upright each also has "turned": the degrees it was turned back, clockwise
  --cam     write a class-activation-map overlay PNG per input into DIR (NAME.cam.png, NAME.2.cam.png
            for the second input of that name); of an ensemble, the mean of its members' maps for
            the class the ensemble predicts, each over the part of the slice its crop keeps, drawn
            over the first member's picture; with --upright, the map turned back over the image`;

export interface Prediction {
  file: string;
  pCovid: number;
  label: string;
  ms: number;
  backend: string;
  /** With --upright: the degrees the image was turned back (clockwise) to stand upright. */
  turned?: number;
}

/** An orientation net and the inputs prepared for it, one per classifier input. */
interface Upright {
  model: UprightModel;
  inputs: PreparedInput[];
}

async function run(backend: Backend, members: Member[], inputs: PreparedInput[][], upright: Upright | undefined, camDir?: string): Promise<Prediction[]> {
  const nets = members.map((m) => inferenceNet(m.spec, backend, m.weights));
  const orienter = upright && inferenceNet(upright.model.spec, backend, upright.model.weights);
  const turnOf = async (k: number) => {
    if (!orienter) return 0;
    const { input } = upright!.inputs[k];
    return (await turnsFromUpright(orienter, { count: 1, size: orienter.spec.inputShape[1], x: input, labels: new Float32Array(1) }, 1))[0];
  };
  const { classNames, spec } = members[0];
  const [c, h, w] = spec.inputShape;
  const covid = classNames.indexOf('COVID');
  const forward = async (k: number, turn: number) => {
    const passes = [];
    const probs = [];
    for (const [i, net] of nets.entries()) {
      const { input } = inputs[i][k];
      const x = backend.tensor([1, c, h, w], turn ? uprightImage(input, h, turn) : input);
      const pass = net.forward(x, 'infer', { keepFeatures: camDir !== undefined });
      passes.push(pass);
      probs.push(softmaxRows(await pass.logits.read(), classNames.length));
      x.dispose();
    }
    return { passes, probs: meanOf(probs) };
  };
  const release = (passes: ForwardPass[]) => passes.forEach((pass, i) => nets[i].release(pass));
  release((await forward(0, 0)).passes); // warm-up: builds pipelines and fills the buffer pool
  await turnOf(0);
  const out: Prediction[] = [];
  const camFiles = camFileNames(inputs[0].map((item) => item.name));
  const progress = inputs[0].length > 1 ? new Progress(inputs[0].length) : undefined;
  for (const [k, item] of inputs[0].entries()) {
    const start = performance.now();
    const turn = await turnOf(k);
    const { passes, probs } = await forward(k, turn);
    const ms = performance.now() - start;
    const best = probs[0] >= probs[1] ? 0 : 1;
    out.push({ file: item.name, pCovid: probs[covid], label: classNames[best], ms, backend: backend.name, ...(orienter && { turned: 90 * turn }) });
    if (camDir) {
      const cams: PlacedCam[] = [];
      for (const [i, pass] of passes.entries()) {
        const maps = await classActivationMaps(nets[i], pass.features!);
        const [height, width] = maps.rawSize;
        const plane = maps.raw.subarray(best * height * width, (best + 1) * height * width);
        // A map of an image turned upright is turned back, to lie over the image as it is.
        cams.push({ data: turn ? quarterTurn(plane, height, turn) : plane, height, width, box: inputs[i][k].box ?? { left: 0, top: 0, width: w, height: h } });
      }
      const slice = item.image ?? { width: w, height: h, data: item.input.map((v) => Math.min(Math.max(v * 0.25 + 0.5, 0), 1)) };
      await writeFileAtomic(join(camDir, camFiles[k]), camOverlayPng(slice, ensembleCam(cams)));
    }
    release(passes);
    progress?.tick(`scored ${basename(item.name)}`);
  }
  nets.forEach((net) => net.dispose());
  orienter?.dispose();
  return out;
}

/** Each member's inputs, prepared once per way of preparing them that the members use (size, crop, normalisation). */
async function membersInputs(paths: string[], members: Member[], onSkip?: (path: string, reason: string) => void): Promise<PreparedInput[][]> {
  const key = (m: Member) => `${m.spec.inputShape[1]} ${m.crop} ${m.normalise}`;
  const npy = paths.find((path) => path.toLowerCase().endsWith('.npy'));
  const unlike = members.find((m) => key(m) !== key(members[0]));
  if (npy && unlike) throw new Error(`${npy} is a preprocessed tensor, but the ensemble's members prepare images differently (${members[0].file}: crop ${members[0].crop}, normalisation ${members[0].normalise}; ${unlike.file}: crop ${unlike.crop}, normalisation ${unlike.normalise}): give images`);
  const preparations = new Map(members.map((m) => [key(m), { size: m.spec.inputShape[1], crop: m.crop, normalise: m.normalise }]));
  const prepared = await prepareInputs(paths, [...preparations.values()], onSkip);
  const keys = [...preparations.keys()];
  return members.map((m) => prepared[keys.indexOf(key(m))]);
}

export async function predictCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      models: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      cam: { type: 'string' },
      upright: { type: 'string' },
      strict: { type: 'boolean', default: false },
    },
  });
  const backendChoice = backendFlag(values.backend);
  if (positionals.length === 0) throw new Error(`predict needs at least one image or .npy file\n${PREDICT_HELP}`);
  if (values.cam === '') throw new Error('--cam is empty: give the folder for the CAM overlays');
  const members = await loadEnsemble(values.model, values.models);
  const onSkip = values.strict ? undefined : (path: string, reason: string) => console.error(`skipped ${path}: ${reason}`);
  // The same images fail for the orientation net, so its inputs stay in step with the classifier's.
  const upright = values.upright === undefined ? undefined : await uprightInputs(values.upright, positionals, onSkip && (() => {}));
  const inputs = await membersInputs(positionals, members, onSkip);
  if (inputs[0].length === 0) throw new Error('no input could be read: each is named above');
  if (values.cam) {
    const camless = members.find((m) => !m.spec.cam);
    if (camless) throw new Error(`--cam: ${camless.file} is a ${camless.spec.name}, which has no class activation maps (only light-cnn does)`);
    await mkdir(values.cam, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`--cam ${values.cam}: cannot make the folder (${error.code ?? error.message})`);
    });
  }
  const notice = (line: string) => console.error(line);
  const backend = await createBackend(backendChoice, { notice });
  const { result } = await withDeviceFallback(backend, (b) => run(b, members, inputs, upright, values.cam), { notice });
  backend.dispose();
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  for (const p of result) {
    console.log(`${p.file}\tP(COVID) = ${p.pCovid.toFixed(4)}\t${p.label}\t${p.ms.toFixed(1)} ms\t${p.backend}${p.turned ? `\tturned back ${p.turned}°` : ''}`);
  }
}

async function uprightInputs(file: string, paths: string[], onSkip?: (path: string, reason: string) => void): Promise<Upright> {
  const npy = paths.find((path) => path.toLowerCase().endsWith('.npy'));
  if (npy) throw new Error(`--upright: ${npy} is a preprocessed tensor at the classifier's size; the orientation net needs the image itself`);
  const model = await loadUprightModel(file);
  const [inputs] = await prepareInputs(paths, [{ size: model.spec.inputShape[1], crop: model.crop, normalise: model.normalise }], onSkip);
  return { model, inputs };
}

/** Each input's CAM file: its file name, numbered from the second input of that name on (two folders may hold an x.png). */
function camFileNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const base = basename(name).replace(/[^\w.-]+/g, '_');
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? `${base}.cam.png` : `${base}.${count}.cam.png`;
  });
}
