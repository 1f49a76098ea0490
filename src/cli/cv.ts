import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildNet } from '../nets/index.ts';
import { initFrom } from '../nets/init-from.ts';
import { createBackend } from '../runtime/create-backend.ts';
import { crossValidate } from '../train/cross-validate.ts';
import { listCvImages } from '../train/cv-data.ts';
import { ensembleCv } from '../train/cv-ensemble.ts';
import { CV_FORMAT, cvSettingsDifferences, readCvResults, summarise, writeCvResults, type CvResults, type CvSettings } from '../train/cv-results.ts';
import { foldsLackingAClass, patientStratifiedFolds } from '../train/folds.ts';
import { loadImageSet } from '../train/image-set.ts';
import { recipeByName, type Recipe } from '../train/recipe.ts';
import { averageFrom } from '../train/weight-average.ts';
import { backendFlag } from './backend-flag.ts';
import { trainFoldsInProcesses, withoutFlags } from './cv-processes.ts';
import { bnStatsFlag, bnStatsHelp } from './bn-stats-flag.ts';
import { formatCvTable } from './cv-table.ts';
import { HYPERPARAMETER_RULES, numberFlag } from './number-flag.ts';
import { Progress } from './progress.ts';
import { scoreText } from './score-text.ts';
import { sizeFlag } from './size-flag.ts';

export const CV_HELP = `covid-ct cv --data DIR [--folds 10] [--net light-cnn] [--recipe paper] [--epochs 20] [--size 224]
             [--batch 16] [--lr 0.01] [--momentum 0.9] [--l2 1e-4] [--dropout 0.5] [--bn-stats population] [--seed 1]
             [--deal SEED] [--backend auto] [--limit N] [--out-dir runs/cv] [--json FILE] [--resume] [--init FILE]
             [--only-folds LIST] [--processes N]
  Patient-grouped, stratified k-fold cross-validation over the train and validation splits
  pooled (544 images of COVID-CT): whole patients are dealt into folds so that each fold
  keeps the class ratio; each fold is held out once while a net is trained on the others with
  the recipe, then scored on it. Prints a table like the paper's Tables 6–8 (one row per fold,
  then mean and SD) of accuracy, sensitivity, specificity, precision, F1 and AUC.
  Model selection: none. Each fold's net is trained for exactly --epochs epochs and its final
  weights are scored (a recipe that averages weights, such as dihedral-swa: their mean over its
  last epochs), so the held-out fold never chooses anything; an inner validation split
  would take patients from training and, at ~50 slices, be too noisy a judge to select on.
  --data      the data set folder: images/COVID, images/NonCOVID, meta.csv (path,label,patient)
              and splits/train.txt, splits/val.txt (without splits: every image)
  --out-dir   each fold's checkpoint (DIR/fold-NN, the fold's final weights once it is done)
  --json      the results (default OUT-DIR/cv.json): settings, each fold's images, scores and
              P(COVID), mean and SD; rewritten atomically after every fold
  --resume    go on with the results file: finished folds are skipped, a fold in progress goes
              on from its last epoch's checkpoint; the settings must be the same
  --only-folds LIST  train only these folds (3,4 or 6-10) and leave the others unfinished: to
              spread one cross-validation over processes, give each its folds, the same --out-dir
              and its own --json; then \`cv --resume\` with any one results file scores the folds
              that other processes finished from their final checkpoints, without training them
  --processes N  train the folds in N child processes at once (--only-folds each, results in
              OUT-DIR/part-K.json, the CPU threads shared out), then score them all here; with
              --resume, folds cut off in progress go on from their checkpoints. On a
              2-core machine two one-thread processes make about 1.4 training steps a second
              together, one two-thread process about 1.0
  --net       light-cnn, squeezenet or squeezenet-bypass (the paper's baselines: at lr 0.01 their
              classifier's ReLU dies and training stops; squeezenet trains at --lr 0.0003, the
              bypass died there too)
  --recipe A+B  an ensemble (as train --recipe A+B makes): a cross-validation of each recipe on
              the same folds, in OUT-DIR/A and OUT-DIR/B (each its cv.json and fold models), then
              the ensemble's table, each held-out slice scored by the mean P(COVID) of the members'
              fold models (as compare X+Y), its results in OUT-DIR/cv.json
  --deal SEED deal the patients into folds by this seed instead of --seed, which then sets the
              nets' initialisation and augmentation alone: CVs of one recipe with other --seed on the
              same folds measure the seed's noise, and their mean (compare A+B) is a seed ensemble
  --limit N   only the first N patients of each class, all their slices (smoke tests)
  --dropout   the rate of the dropout before the classifier, in [0, 1) (default the recipe's, 0.5)
${bnStatsHelp(14)}
  --init FILE every fold starts from FILE's weights (covid-ct pretrain) but for a fresh classifier.
              FILE's pretext task (rotation or contrastive) saw every train+val slice, each
              fold's held-out ones included, without labels: those images, never their labels,
              reached the trunk`;

const OPTIONS = {
  data: { type: 'string' },
  folds: { type: 'string' },
  net: { type: 'string', default: 'light-cnn' },
  recipe: { type: 'string', default: 'paper' },
  epochs: { type: 'string' },
  size: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  l2: { type: 'string' },
  dropout: { type: 'string' },
  'bn-stats': { type: 'string' },
  seed: { type: 'string' },
  deal: { type: 'string' },
  backend: { type: 'string', default: 'auto' },
  limit: { type: 'string' },
  'out-dir': { type: 'string', default: join('runs', 'cv') },
  json: { type: 'string' },
  resume: { type: 'boolean', default: false },
  init: { type: 'string' },
  'only-folds': { type: 'string' },
  processes: { type: 'string' },
} as const;

/** How cv.json and the table say what each fold scores: its final weights, or a recipe's average of them. */
export function cvSelection(recipe: Recipe, epochs: number): string {
  const from = averageFrom(recipe, epochs);
  return `no model selection, ${from === null ? "the final epoch's weights of each fold are" : `each fold's mean of its weights after epochs ${from}–${epochs} is`} scored`;
}

export async function cvCommand(argv: string[]): Promise<void> {
  const { values: flags } = parseArgs({ args: argv, options: OPTIONS });
  const backendChoice = backendFlag(flags.backend);
  if (!flags.data) throw new Error(`--data DIR is required\n${CV_HELP}`);
  if (flags.recipe.includes('+')) return cvEnsemble(argv, flags.recipe.split('+'), flags['out-dir'], flags);
  const recipe = recipeByName(flags.recipe);
  const limit = flags.limit === undefined ? null : numberFlag('limit', flags.limit, 0, { integer: true, min: 1 });
  const data = await listCvImages(flags.data, limit);
  const seed = numberFlag('seed', flags.seed, 1, { integer: true, min: 0, below: 2 ** 32 });
  const settings: CvSettings = {
    net: flags.net,
    recipe: recipe.name,
    size: sizeFlag(flags.size),
    epochs: numberFlag('epochs', flags.epochs, recipe.epochs, { integer: true, min: 1 }),
    batch: numberFlag('batch', flags.batch, recipe.batch, { integer: true, min: 1 }),
    lr: numberFlag('lr', flags.lr, recipe.sgd.lr, HYPERPARAMETER_RULES.lr),
    momentum: numberFlag('momentum', flags.momentum, recipe.sgd.momentum, HYPERPARAMETER_RULES.momentum),
    weightDecay: numberFlag('l2', flags.l2, recipe.sgd.weightDecay, HYPERPARAMETER_RULES.l2),
    dropout: numberFlag('dropout', flags.dropout, recipe.dropout, HYPERPARAMETER_RULES.dropout),
    bnStatistics: bnStatsFlag(flags['bn-stats']),
    seed,
    deal: numberFlag('deal', flags.deal, seed, { integer: true, min: 0, below: 2 ** 32 }),
    folds: numberFlag('folds', flags.folds, 10, { integer: true, min: 2 }),
    root: data.root, lists: data.lists, meta: data.meta, limit, ...(flags.init ? { init: flags.init } : {}),
  };
  const only = flags['only-folds'] === undefined ? undefined : foldList(flags['only-folds'], settings.folds);
  const processes = numberFlag('processes', flags.processes, 1, { integer: true, min: 1 });
  if (only && processes > 1) throw new Error('--processes deals the folds out to its processes itself: leave out --only-folds');
  const spec = buildNet(settings.net, { size: settings.size, dropout: settings.dropout });
  const outDir = flags['out-dir'];
  const resultsFile = flags.json ?? join(outDir, 'cv.json');
  const saved = flags.resume ? await readCvResults(resultsFile) : undefined;
  if (saved) {
    const differences = cvSettingsDifferences(saved.settings, settings);
    if (differences.length) throw new Error(`--resume: ${resultsFile} was made with other settings: ${differences.join('; ')}`);
  } else refuseOldResults(resultsFile);
  const init = settings.init ? await initFrom(settings.init, spec, settings.seed) : undefined;
  if (init) console.error(init.report);

  const progress = new Progress(data.entries.length);
  const { set, skipped } = await loadImageSet(data.entries, { size: settings.size, crop: recipe.crop, normalise: recipe.normalise, onFile: (path) => progress.tick(`loading ${basename(path)}`) });
  for (const { path, reason } of skipped) console.error(`skipped ${path}: ${reason}`);
  const unreadable = new Set(skipped.map((s) => s.path));
  const entries = data.entries.filter((e) => !unreadable.has(e.path));
  const folds = patientStratifiedFolds(entries, settings.folds, settings.deal);
  const lacking = foldsLackingAClass(entries, folds);
  if (lacking.length) console.error(`cv: warning: ${lacking.join(', ')} (a class has fewer patients than folds): the metrics that need both classes are null there, and their means leave those folds out`);
  const records = folds.map((fold) => ({ images: fold.map((i) => relative(data.root, entries[i].path)), patients: new Set(fold.map((i) => entries[i].patient)).size, result: null }));
  if (saved && JSON.stringify(saved.folds.map((f) => f.images)) !== JSON.stringify(records.map((f) => f.images))) {
    throw new Error(`--resume: the folds of ${resultsFile} hold other images than the same settings give now: the data set (or an unreadable file) changed`);
  }
  const results: CvResults = saved ?? {
    format: CV_FORMAT, command: ['covid-ct', 'cv', ...argv].join(' '), settings, selection: cvSelection(recipe, settings.epochs), folds: records, summary: summarise(records),
  };
  for (const dir of [outDir, dirname(resultsFile)]) await mkdir(dir, { recursive: true });
  await writeCvResults(resultsFile, results);
  if (processes > 1) await trainFoldsInProcesses(argv, OPTIONS, results, processes, outDir, flags.resume);

  const backend = await createBackend(backendChoice, { notice: (line) => console.error(line) });
  const finished = results.folds.filter((f) => f.result).length;
  console.error(
    `cross-validating ${settings.net} at ${settings.size}×${settings.size} on ${backend.description}: ${entries.length} images of ${new Set(entries.map((e) => e.patient)).size} patients, ` +
      `${settings.folds} folds of ${folds.map((f) => f.length).join('/')} images, ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'} each${finished ? `; ${finished} of ${settings.folds} folds already done` : ''}${only ? `; this process takes fold ${[...only].map((f) => f + 1).join(', ')} only` : ''}`,
  );
  let training: Progress | undefined;
  try {
    await crossValidate({
      spec, backend, recipe, set, folds, results, resultsFile, outDir, resume: flags.resume || processes > 1, only, initial: init?.weights,
      onStart: (steps) => (training = new Progress(steps)),
      onStep: (label) => training?.tick(label),
      onFold: (f, { metrics: m, seconds }) =>
        console.error(`fold ${f + 1}/${settings.folds}: accuracy ${scoreText(m.accuracy)}, sensitivity ${scoreText(m.sensitivity)}, specificity ${scoreText(m.specificity)}, AUC ${scoreText(m.auc)}, ${seconds.toFixed(1)} s`),
    });
  } finally {
    backend.dispose();
  }
  console.log(formatCvTable(results));
}

/** Without --resume, a results file already there is refused, never overwritten. */
const refuseOldResults = (file: string): void => {
  if (existsSync(file)) throw new Error(`${file} already holds cross-validation results: add --resume to go on with them, or choose another --out-dir or --json`);
};

/** cv --recipe A+B: each member's cross-validation in OUT-DIR/RECIPE in turn, then the ensemble's table and OUT-DIR/cv.json. */
async function cvEnsemble(argv: string[], names: string[], outDir: string, flags: { resume: boolean; json?: string }): Promise<void> {
  if (flags.json) throw new Error(`--json: an ensemble's results go to ${join(outDir, 'cv.json')} and each member's to ${join(outDir, 'RECIPE', 'cv.json')}`);
  const members = names.map((name) => ({ name: recipeByName(name).name, dir: join(outDir, name) }));
  // A later member's old results are refused before the first member trains, not after.
  const started = members.filter(({ dir }) => existsSync(join(dir, 'cv.json')));
  if (!flags.resume) for (const { dir } of started) refuseOldResults(join(dir, 'cv.json'));
  const common = withoutFlags(argv, OPTIONS, ['recipe', 'out-dir', 'resume']);
  const results = [];
  for (const [i, { name, dir }] of members.entries()) {
    console.error(`ensemble member ${i + 1} of ${names.length}: recipe ${name}`);
    await cvCommand([...common, '--recipe', name, '--out-dir', dir, ...(started.some((m) => m.dir === dir) ? ['--resume'] : [])]);
    results.push({ path: join(dir, 'cv.json'), results: await readCvResults(join(dir, 'cv.json')) });
  }
  const ensemble = ensembleCv(results);
  await writeCvResults(join(outDir, 'cv.json'), ensemble);
  console.log(`the ensemble of ${names.join(' + ')}: each held-out slice scored by the mean P(COVID) of the members' fold models`);
  console.log(formatCvTable(ensemble));
}

/** "3,4" or "6-10" (1-based, as printed) as 0-based fold indices; anything else names the flag and the part at fault. */
function foldList(text: string, folds: number): Set<number> {
  const picked = new Set<number>();
  for (const part of text.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    const [first, last] = range ? [Number(range[1]), Number(range[2] ?? range[1])] : [NaN, NaN];
    if (!(first >= 1 && first <= last && last <= folds)) throw new Error(`--only-folds: "${part}" is not a fold or range of folds between 1 and ${folds} (e.g. 3,4 or 6-10)`);
    for (let f = first; f <= last; f++) picked.add(f - 1);
  }
  return picked;
}
