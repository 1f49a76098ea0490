import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphSpec } from '../nets/graph.ts';
import { checkMembersAgree, type MemberShape } from '../nets/ensemble-combine.ts';
import { buildNet } from '../nets/index.ts';
import { loadModelFile } from '../nets/model-file.ts';
import { requireCovidClassifier } from '../nets/model-format.ts';
import { checkpointPath, loadCheckpoint } from '../train/checkpoint.ts';
import { foldDir, foldRunSettings } from '../train/cross-validate.ts';
import { readCvResults } from '../train/cv-results.ts';
import type { Crop } from '../train/data/crop.ts';
import { CLASS_NAMES } from '../train/data/classes.ts';
import type { Normalise } from '../train/data/normalise.ts';
import { recipeByName } from '../train/recipe.ts';
import { settingsDifferences } from '../train/training-state.ts';
import { checkPreprocessing } from './inputs.ts';
import { modelFiles } from './model-path.ts';

export const ENSEMBLE_HELP = `  --model   a model file, or several separated by commas: an ensemble, whose P(COVID) is the
            mean of its members' (they must agree on input size and classes; each prepares the
            images as its training did: crop, normalisation)
  --models  DIR: the ensemble of every finished fold model of a \`cv --out-dir DIR\`, in fold order
            (DIR/fold-NN/checkpoint.safetensors, the folds DIR/cv.json has results for); several
            DIRs separated by commas: all their fold models; the DIR of a \`cv --recipe A+B\` stands
            for its members' DIR/A,DIR/B`;

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
  /** A fold model's fold, from 0. */
  fold?: number;
}

/** The models of --model (a comma list; the shipped model when absent) or --models DIR[,DIR...], checked to agree; an ensemble is named on stderr. */
export async function loadEnsemble(model: string | undefined, models: string | undefined): Promise<Member[]> {
  if (model !== undefined && models !== undefined) throw new Error('give --model or --models, not both');
  const members = models === undefined ? await Promise.all(modelFiles(model).map(loadMember)) : (await Promise.all((await cvDirs(models)).map(foldModels))).flat();
  checkMembersAgree(members.map(shapeOf));
  if (members.length > 1) console.error(`ensemble of ${members.length} models: ${members.map((m) => m.file).join(', ')}`);
  return members;
}

/** The cv --out-dirs of a --models list, the out-dir of a `cv --recipe A+B` standing for its members' (DIR/A, DIR/B). */
async function cvDirs(models: string): Promise<string[]> {
  const expanded = await Promise.all(
    models.split(',').map(async (dir) => {
      const file = join(dir, 'cv.json');
      const recipe = existsSync(file) ? (await readCvResults(file)).settings.recipe : '';
      return recipe.includes('+') ? recipe.split('+').map((name) => join(dir, name)) : [dir];
    }),
  );
  return expanded.flat();
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
    const differences = settingsDifferences(state.settings, foldRunSettings(settings, f));
    if (differences.length) throw new Error(`${file} was not trained as ${resultsFile} records its fold ${f + 1}: ${differences.join('; ')}`);
    members.push({ file, spec, weights, classNames: [...CLASS_NAMES], crop, normalise, heldOut: fold.images, fold: f });
  }
  if (members.length === 0) throw new Error(`--models ${dir}: no fold has finished yet (${resultsFile} records no result)`);
  return members;
}

const shapeOf = (m: Member): MemberShape => ({ name: m.file, inputShape: m.spec.inputShape, classNames: m.classNames });

/**
 * The fold models of the cross-validations in `dirs` (a comma list of cv --out-dirs), one group
 * per fold: the fold's model from each. The CVs must hold out the same slices fold by fold, so
 * each group can score its fold as an ensemble of recipes that none of its members trained on.
 * Members may prepare their images differently (crop, normalisation).
 */
export async function heldOutGroups(dirs: string): Promise<Member[][]> {
  const [first, ...others] = await Promise.all((await cvDirs(dirs)).map(async (dir) => ({ dir, folds: await foldModels(dir) })));
  for (const { dir, folds } of others) {
    const same = folds.length === first.folds.length && folds.every((m, k) => m.heldOut!.join() === first.folds[k].heldOut!.join());
    if (!same) throw new Error(`--models: ${dir} and ${first.dir} do not hold out the same slices in the same finished folds (their cv.json folds differ)`);
    folds.forEach((m, k) => checkMembersAgree([first.folds[k], m].map(shapeOf)));
  }
  return first.folds.map((m, k) => [m, ...others.map(({ folds }) => folds[k])]);
}
