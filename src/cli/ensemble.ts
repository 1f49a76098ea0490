import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphSpec } from '../nets/graph.ts';
import { buildNet } from '../nets/index.ts';
import { loadModelFile } from '../nets/model-file.ts';
import { requireCovidClassifier } from '../nets/model-format.ts';
import { checkpointPath, loadCheckpoint } from '../train/checkpoint.ts';
import { foldDir } from '../train/cross-validate.ts';
import { readCvResults } from '../train/cv-results.ts';
import type { Crop } from '../train/data/body-crop.ts';
import { CLASS_NAMES } from '../train/data/classes.ts';
import type { Normalise } from '../train/data/normalise.ts';
import { recipeByName } from '../train/recipe.ts';
import { checkPreprocessing } from './inputs.ts';
import { modelPath } from './model-path.ts';

export const ENSEMBLE_HELP = `  --model   a model file, or several separated by commas: an ensemble, whose P(COVID) is the
            mean of its members' (they must agree on input size, crop, normalisation and classes)
  --models  DIR: the ensemble of every finished fold model of a \`cv --out-dir DIR\`, in fold order
            (DIR/fold-NN/checkpoint.safetensors, the folds DIR/cv.json has results for)`;

/** One model of an ensemble: where it comes from, its net and weights, how its images are prepared. */
export interface Member {
  file: string;
  spec: GraphSpec;
  weights: Map<string, Float32Array>;
  classNames: string[];
  crop: Crop;
  normalise: Normalise;
  /** A fold model's held-out images (CLASS/file, relative to the data set's images), from its cv.json. */
  heldOut?: readonly string[];
}

/** The models of --model (a comma list; the shipped model when absent) or --models DIR, checked to agree; an ensemble is named on stderr (unless the models are not one, eval --held-out). */
export async function loadEnsemble(model: string | undefined, models: string | undefined, { ensemble = true } = {}): Promise<Member[]> {
  if (model !== undefined && models !== undefined) throw new Error('give --model or --models, not both');
  const members = models === undefined ? await Promise.all(modelPath(model).split(',').map(loadMember)) : await foldModels(models);
  for (const m of members.slice(1)) agree(members[0], m);
  if (ensemble && members.length > 1) console.error(`ensemble of ${members.length} models: ${members.map((m) => m.file).join(', ')}`);
  return members;
}

async function loadMember(file: string): Promise<Member> {
  const { meta, spec, weights } = await loadModelFile(file);
  requireCovidClassifier(meta, file);
  return { file, spec, weights, classNames: meta.classNames, ...checkPreprocessing(meta.preprocessing, file) };
}

/** The final weights of each fold of a cv --out-dir whose result its cv.json records, in fold order. */
export async function foldModels(dir: string): Promise<Member[]> {
  const resultsFile = join(dir, 'cv.json');
  if (!existsSync(resultsFile)) throw new Error(`--models ${dir}: there is no ${resultsFile} (the folder must be a cv --out-dir holding its results file)`);
  const { settings, folds } = await readCvResults(resultsFile);
  const { crop, normalise } = recipeByName(settings.recipe);
  const spec = buildNet(settings.net, { size: settings.size, dropout: settings.dropout });
  const members: Member[] = [];
  for (const [f, fold] of folds.entries()) {
    if (!fold.result) continue;
    const file = checkpointPath(foldDir(dir, f));
    const { state, weights } = await loadCheckpoint(foldDir(dir, f));
    if (state.epoch !== settings.epochs) throw new Error(`${file}: weights after epoch ${state.epoch}, not the fold's final ones (epoch ${settings.epochs})`);
    members.push({ file, spec, weights, classNames: [...CLASS_NAMES], crop, normalise, heldOut: fold.images });
  }
  if (members.length === 0) throw new Error(`--models ${dir}: no fold has finished yet (${resultsFile} records no result)`);
  return members;
}

function agree(a: Member, b: Member): void {
  const fields: [string, (m: Member) => string][] = [
    ['input size', (m) => m.spec.inputShape.join('×')],
    ['crop', (m) => m.crop],
    ['normalisation', (m) => m.normalise],
    ['class names', (m) => m.classNames.join(',')],
  ];
  for (const [field, value] of fields) {
    if (value(a) !== value(b)) throw new Error(`ensemble members differ in ${field}: ${a.file} has ${value(a)}, ${b.file} has ${value(b)}`);
  }
}

/** The element-wise mean of equally long arrays (one array: itself, exactly). */
export function meanOf(arrays: Float32Array[]): Float32Array {
  const mean = new Float32Array(arrays[0].length);
  for (const a of arrays) for (let i = 0; i < mean.length; i++) mean[i] += a[i];
  return mean.map((v) => v / arrays.length);
}
