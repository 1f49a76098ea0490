import { parseArgs } from 'node:util';
import { inferenceNet } from '../nets/fold-batchnorm.ts';
import { createBackend, withDeviceFallback, type BackendChoice } from '../runtime/create-backend.ts';
import { CLASS_NAMES } from '../train/data/classes.ts';
import { listImages, resolveDataDir } from '../train/data-source.ts';
import type { ImageSet } from '../train/image-set.ts';
import { binaryMetrics, type BinaryMetrics } from '../train/metrics.ts';
import { predictViews, ROBUSTNESS_VIEWS, TTA_VIEWS, viewSet, type View } from '../train/views.ts';
import { ENSEMBLE_HELP, loadEnsemble, meanOf } from './ensemble.ts';
import { loadImagesReporting } from './load-images.ts';
import { numberFlag } from './number-flag.ts';

export const EVAL_HELP = `covid-ct eval --data DIR [--list FILE] [--model FILE[,FILE...] | --models DIR] [--backend webgpu|cpu|auto] [--batch 16] [--tta] [--robustness] [--json] [--strict]
  Scores a model on labelled images: accuracy, sensitivity, specificity, precision, F1 (COVID is
  the positive class, predicted when P(COVID) > 0.5), ROC AUC and the confusion matrix.
  --data    a folder of COVID/ and NonCOVID/ folders (one of them may be missing), or the data
            set folder (its images/); every image there unless --list names some (CLASS/file lines)
${ENSEMBLE_HELP}
  --json    exactly one JSON object {"n","accuracy","sensitivity","specificity","precision","f1",
            "auc","confusion"} on stdout; a score that needs an absent class is null
  --tta     test-time augmentation: P(COVID) is the mean over the four quarter turns of each
            image (four forward passes per image and member)
  --robustness  the same scores for the images as they are, turned by 90°, cropped to their
            central 80% (enlarged back to the input size) and both, one row each; with --json
            one object {"views": [{"view", "n", "accuracy", ...}, ...]}
  --strict  an unreadable image ends the command; otherwise it is named on stderr and skipped`;

const percent = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(2)} %`);

function printReport(m: BinaryMetrics): void {
  const [[tn, fp], [fn, tp]] = m.confusion;
  console.log(`images       ${m.n}`);
  for (const key of ['accuracy', 'sensitivity', 'specificity', 'precision', 'f1'] as const) console.log(`${key.padEnd(12)} ${percent(m[key])}`);
  console.log(`auc          ${m.auc === null ? 'n/a' : m.auc.toFixed(4)}`);
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
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
    },
  });
  if (!values.data) throw new Error(`--data DIR is required\n${EVAL_HELP}`);
  const batch = numberFlag('batch', values.batch, 16, { integer: true, min: 1 });
  const members = await loadEnsemble(values.model, values.models);
  const { file, spec, classNames, crop, normalise } = members[0];
  if (classNames.join() !== CLASS_NAMES.join()) throw new Error(`${file}: class names ${JSON.stringify(classNames)}, eval needs ${JSON.stringify(CLASS_NAMES)}`);
  const entries = await listImages(resolveDataDir(values.data).root, { list: values.list });
  const set = await loadImagesReporting(values.data, entries, { size: spec.inputShape[1], crop, normalise, strict: values.strict });

  const notice = (line: string) => console.error(line);
  const backend = await createBackend(values.backend as BackendChoice, { notice });
  const views = values.robustness ? ROBUSTNESS_VIEWS : ROBUSTNESS_VIEWS.slice(0, 1);
  const tta = values.tta ? TTA_VIEWS : TTA_VIEWS.slice(0, 1);
  const { result } = await withDeviceFallback(backend, async (b) => {
    const nets = members.map((m) => inferenceNet(m.spec, b, m.weights));
    const predict = async (s: ImageSet) => {
      const each = [];
      for (const net of nets) each.push(await predictViews(net, s, batch, tta));
      return meanOf(each);
    };
    const scores = [];
    for (const view of views) scores.push(await scoreView(set, view, predict));
    for (const net of nets) net.dispose();
    return scores;
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

async function scoreView(set: ImageSet, view: View, predict: (set: ImageSet) => Promise<Float32Array>): Promise<{ view: string; metrics: BinaryMetrics }> {
  return { view: view.name, metrics: binaryMetrics(set.labels, await predict(viewSet(set, view))) };
}

function printRobustness(rows: { view: string; metrics: BinaryMetrics }[]): void {
  const keys = ['accuracy', 'sensitivity', 'specificity', 'auc'] as const;
  const cell = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4)).padStart(12);
  console.log(`${'view'.padEnd(28)}${keys.map((k) => k.padStart(12)).join('')}`);
  for (const { view, metrics } of rows) console.log(`${view.padEnd(28)}${keys.map((k) => cell(metrics[k])).join('')}`);
}
