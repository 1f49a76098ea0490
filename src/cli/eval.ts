import { parseArgs } from 'node:util';
import { netFromWeights } from '../nets/init.ts';
import { loadModelFile } from '../nets/model-file.ts';
import { createBackend, withDeviceFallback, type BackendChoice } from '../runtime/create-backend.ts';
import { CLASS_NAMES } from '../train/data/classes.ts';
import { listImages, resolveDataDir } from '../train/data-source.ts';
import { predictSet } from '../train/evaluate.ts';
import { binaryMetrics, type BinaryMetrics } from '../train/metrics.ts';
import { checkPreprocessing } from './inputs.ts';
import { loadImagesReporting } from './load-images.ts';
import { modelPath } from './model-path.ts';
import { numberFlag } from './number-flag.ts';

export const EVAL_HELP = `covid-ct eval --data DIR [--list FILE] [--model FILE] [--backend webgpu|cpu|auto] [--batch 16] [--json] [--strict]
  Scores a model on labelled images: accuracy, sensitivity, specificity, precision, F1 (COVID is
  the positive class, predicted when P(COVID) > 0.5), ROC AUC and the confusion matrix.
  --data    a folder of COVID/ and NonCOVID/ folders (one of them may be missing), or the data
            set folder (its images/); every image there unless --list names some (CLASS/file lines)
  --json    exactly one JSON object {"n","accuracy","sensitivity","specificity","precision","f1",
            "auc","confusion"} on stdout; a score that needs an absent class is null
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
      backend: { type: 'string', default: 'auto' },
      batch: { type: 'string' },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
    },
  });
  if (!values.data) throw new Error(`--data DIR is required\n${EVAL_HELP}`);
  const batch = numberFlag('batch', values.batch, 16, { integer: true, min: 1 });
  const file = modelPath(values.model);
  const model = await loadModelFile(file);
  checkPreprocessing(model.meta.preprocessing, file);
  if (model.meta.classNames.join() !== CLASS_NAMES.join()) {
    throw new Error(`${file}: class names ${JSON.stringify(model.meta.classNames)}, eval needs ${JSON.stringify(CLASS_NAMES)}`);
  }
  const entries = await listImages(resolveDataDir(values.data).root, { list: values.list });
  const set = await loadImagesReporting(values.data, entries, model.spec.inputShape[1], values.strict);

  const notice = (line: string) => console.error(line);
  const backend = await createBackend(values.backend as BackendChoice, { notice });
  const { result } = await withDeviceFallback(backend, async (b) => {
    const net = netFromWeights(model.spec, b, model.weights);
    const { pCovid } = await predictSet(net, set, batch);
    net.dispose();
    return pCovid;
  }, { notice });
  backend.dispose();
  const metrics = binaryMetrics(set.labels, result);
  if (values.json) console.log(JSON.stringify(metrics));
  else printReport(metrics);
}
