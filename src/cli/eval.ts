import { parseArgs } from 'node:util';
import { meanOf } from '../nets/ensemble-combine.ts';
import { inferenceNet } from '../nets/fold-batchnorm.ts';
import { createBackend, withDeviceFallback } from '../runtime/create-backend.ts';
import { CLASS_NAMES } from '../train/data/classes.ts';
import { namedImages, type DatasetEntry } from '../train/data/dataset.ts';
import type { GrayImage } from '../train/data/image.ts';
import { listImages, resolveDataDir } from '../train/data-source.ts';
import type { ImageSet } from '../train/image-set.ts';
import { binaryMetrics, type BinaryMetrics } from '../train/metrics.ts';
import { turnedUpright, turnsFromUpright } from '../train/upright.ts';
import { predictViews, ROBUSTNESS_VIEWS, TTA_VIEWS, viewImage, type View } from '../train/views.ts';
import { backendFlag } from './backend-flag.ts';
import { ENSEMBLE_HELP, heldOutGroups, loadEnsemble, type Member } from './ensemble.ts';
import { loadImagesReporting } from './load-images.ts';
import { numberFlag } from './number-flag.ts';
import { Progress } from './progress.ts';
import { scoreText } from './score-text.ts';
import { loadUprightModel, UPRIGHT_HELP, uprightFile, type UprightModel } from './upright-model.ts';

export const EVAL_HELP = `covid-ct eval --data DIR [--list FILE] [--model FILE[,FILE...] | --models DIR[,DIR...] [--held-out]] [--backend webgpu|cpu|auto] [--batch 16] [--tta] [--robustness] [--upright FILE|DIR] [--json] [--strict]
  Scores a model on labelled images: accuracy, sensitivity, specificity, precision, F1 (COVID is
  the positive class, predicted when P(COVID) > 0.5), ROC AUC and the confusion matrix.
  --data    a folder of COVID/ and NonCOVID/ folders (one of them may be missing), or the data
            set folder (its images/); every image there unless --list names some (CLASS/file lines)
${ENSEMBLE_HELP}
  --held-out  with --models DIR: no ensemble; each fold model scores only its own held-out fold
            (from DIR/cv.json) and the scores pool every fold's slices, so the plain view gives
            the cross-validation's pooled figures, and --robustness and --tta judge unseen patients;
            with --models DIR,DIR...: CVs that hold out the same slices (other recipes), each fold
            scored by the mean P(COVID) of the CVs' models for that fold: an ensemble of recipes
            judged on patients none of its members saw
  --json    exactly one JSON object {"n","accuracy","sensitivity","specificity","precision","f1",
            "auc","confusion"} on stdout; a score that needs an absent class is null
  --tta     test-time augmentation: P(COVID) is the mean over the four quarter turns of each
            image (four forward passes per image and member)
  --robustness  the same scores for the images as they are, turned by 90°, cropped to their
            central 80% and both, one row each: each decoded image is turned and cropped before
            the model's own preparation (its crop, the resize), as another source would send it; with --json
            one object {"views": [{"view", "n", "accuracy", ...}, ...]}
${UPRIGHT_HELP}
  --strict  an unreadable image ends the command; otherwise it is named on stderr and skipped`;

const percent = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(2)} %`);

function printReport(m: BinaryMetrics): void {
  const [[tn, fp], [fn, tp]] = m.confusion;
  console.log(`images       ${m.n}`);
  for (const key of ['accuracy', 'sensitivity', 'specificity', 'precision', 'f1'] as const) console.log(`${key.padEnd(12)} ${percent(m[key])}`);
  console.log(`auc          ${scoreText(m.auc)}`);
  console.log(`confusion    true NonCOVID: ${tn} predicted NonCOVID, ${fp} predicted COVID`);
  console.log(`             true COVID:    ${fn} predicted NonCOVID, ${tp} predicted COVID`);
}

export async function evalCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      list: { type: 'string' },
      model: { type: 'string' },
      models: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      batch: { type: 'string' },
      tta: { type: 'boolean', default: false },
      robustness: { type: 'boolean', default: false },
      upright: { type: 'string' },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      'held-out': { type: 'boolean', default: false },
    },
  });
  const backendChoice = backendFlag(values.backend);
  if (!values.data) throw new Error(`--data DIR is required\n${EVAL_HELP}`);
  if (values.list === '') throw new Error('--list is empty: give a split list, or leave the flag out to score every image under --data');
  const heldOut = values['held-out'];
  if (heldOut && (values.models === undefined || values.list !== undefined)) throw new Error('--held-out needs --models DIR (a cv --out-dir) and no --list: the folds name the images');
  const batch = numberFlag('batch', values.batch, 16, { integer: true, min: 1 });
  const groups = heldOut ? await heldOutGroups(values.models!) : [await loadEnsemble(values.model, values.models)];
  if (heldOut) console.error(`held out: ${groups.length} folds of ${values.models}, each scored only by ${groups[0].length > 1 ? 'the mean P(COVID) of its fold models' : 'its fold model'}`);
  const { file, classNames } = groups[0][0];
  if (classNames.join() !== CLASS_NAMES.join()) throw new Error(`${file}: class names ${JSON.stringify(classNames)}, eval needs ${JSON.stringify(CLASS_NAMES)}`);
  const { root } = resolveDataDir(values.data);
  const firstDir = values.models?.split(',')[0];
  // Each group's members score its images (their mean P(COVID)); the groups' scores are pooled.
  const scored: { members: Member[]; entries: DatasetEntry[]; upright?: UprightModel }[] = [];
  for (const members of groups) {
    const entries = heldOut ? await namedImages(root, members[0].heldOut!, `${firstDir}/cv.json (the fold of ${members[0].file})`) : await listImages(root, { list: values.list });
    const upright = values.upright === undefined ? undefined : await loadUprightModel(uprightFile(values.upright, heldOut ? members[0].fold : undefined));
    scored.push({ members, entries, upright });
  }

  const notice = (line: string) => console.error(line);
  const backend = await createBackend(backendChoice, { notice });
  const views = values.robustness ? ROBUSTNESS_VIEWS : ROBUSTNESS_VIEWS.slice(0, 1);
  const tta = values.tta ? TTA_VIEWS : TTA_VIEWS.slice(0, 1);
  const { result } = await withDeviceFallback(backend, async (b) => {
    const scores = views.map((view) => ({ view: view.name, labels: [] as number[], pCovid: [] as number[], turnedBack: 0 }));
    const scoring = new Progress(scored.reduce((passes, group) => passes + group.members.length, 0) * views.length * tta.length);
    for (const { members, entries, upright } of scored) {
      const nets = members.map((m) => inferenceNet(m.spec, b, m.weights));
      const orienter = upright && inferenceNet(upright.spec, b, upright.weights);
      for (const [v, view] of views.entries()) {
        const sourceView = (image: GrayImage) => viewImage(image, view);
        const sets = await preparedSets(values.data!, entries, members, values.strict, sourceView);
        const uprightSet = upright && (await loadImagesReporting(values.data!, entries, { size: upright.spec.inputShape[1], crop: upright.crop, normalise: upright.normalise, strict: values.strict, sourceView }));
        if (uprightSet && uprightSet.count !== sets[0].count) throw new Error(`${upright!.file}: its way of preparing the images skipped other images than the scoring models'`);
        const turns = orienter && (await turnsFromUpright(orienter, uprightSet!, batch));
        const each = [];
        for (const [i, net] of nets.entries()) {
          const tick = (turn: View) => scoring.tick(`scored ${view.name}${tta.length > 1 ? `, ${turn.name}` : ''}, by ${members[i].file}`);
          each.push(await predictViews(net, turns ? turnedUpright(sets[i], turns) : sets[i], batch, tta, tick));
        }
        scores[v].labels.push(...sets[0].labels);
        scores[v].pCovid.push(...meanOf(each));
        scores[v].turnedBack += turns?.filter((t) => t !== 0).length ?? 0;
      }
      for (const net of nets) net.dispose();
      orienter?.dispose();
    }
    if (values.upright) for (const { view, labels, turnedBack } of scores) console.error(`--upright: ${turnedBack} of ${labels.length} images (${view}) turned back upright`);
    return scores.map(({ view, labels, pCovid }) => ({ view, metrics: binaryMetrics(labels, pCovid) }));
  }, { notice });
  backend.dispose();
  if (!values.robustness) {
    if (values.json) console.log(JSON.stringify(result[0].metrics));
    else printReport(result[0].metrics);
  } else if (values.json) {
    console.log(JSON.stringify({ views: result.map(({ view, metrics }) => ({ view, ...metrics })) }));
  } else {
    printRobustness(result);
  }
}

/** Each member's images, loaded once per way of preparing them (crop, normalisation) that the members use. */
async function preparedSets(data: string, entries: DatasetEntry[], members: Member[], strict: boolean | undefined, sourceView: (image: GrayImage) => GrayImage): Promise<ImageSet[]> {
  const loaded = new Map<string, ImageSet>();
  const sets: ImageSet[] = [];
  for (const { spec, crop, normalise } of members) {
    const key = `${crop} ${normalise}`;
    if (!loaded.has(key)) loaded.set(key, await loadImagesReporting(data, entries, { size: spec.inputShape[1], crop, normalise, strict, sourceView }));
    sets.push(loaded.get(key)!);
  }
  if (sets.some((set) => set.labels.length !== sets[0].labels.length)) throw new Error('the ensemble members\' ways of preparing the images skipped different images');
  return sets;
}

function printRobustness(rows: { view: string; metrics: BinaryMetrics }[]): void {
  const keys = ['accuracy', 'sensitivity', 'specificity', 'auc'] as const;
  const cell = (v: number | null) => scoreText(v).padStart(12);
  console.log(`${'view'.padEnd(28)}${keys.map((k) => k.padStart(12)).join('')}`);
  for (const { view, metrics } of rows) console.log(`${view.padEnd(28)}${keys.map((k) => cell(metrics[k])).join('')}`);
}
