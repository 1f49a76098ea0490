/**
 * A cross-validation run with moving BN statistics (`cv --bn-stats moving`, every CV before
 * 2026-11-27) turned into the one `cv --bn-stats population` would give, without training: the
 * statistics do not steer training, so both train the same fold weights, and population only
 * re-estimates the statistics after the last epoch. For every finished fold of --from (a
 * `cv --out-dir`), this re-estimates them over that fold's training images (cv's own foldSets) in
 * cv's batches, saves the fold model with them to --out (DIR/fold-NN/checkpoint.safetensors), scores
 * its held-out fold again and writes DIR/cv.json, for `compare`, `eval --models DIR --held-out`
 * and scripts/source-audit.ts.
 *
 * Usage: node --import ./scripts/register-loader.mjs scripts/population-cv.ts --from runs/cv-X --out runs/cv-X-population
 *          [--data DIR] [--backend cpu]
 * --data: the data set folder, when it is no longer where cv.json says (a CV run on a copy made
 * for another machine, such as the resized one scripts/gpu-bundle.sh makes: give the same copy again).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Progress } from '../src/cli/progress.ts';
import { scriptArgs } from '../src/cli/script-args.ts';
import { buildNet } from '../src/nets/index.ts';
import { netFromWeights } from '../src/nets/init.ts';
import { createBackend, type BackendChoice } from '../src/runtime/create-backend.ts';
import { loadCheckpoint, saveCheckpoint } from '../src/train/checkpoint.ts';
import { foldDir, foldSets } from '../src/train/cross-validate.ts';
import { listCvImages } from '../src/train/cv-data.ts';
import { readCvResults, summarise, writeCvResults, type FoldRecord } from '../src/train/cv-results.ts';
import { predictSet } from '../src/train/evaluate.ts';
import { loadImageSet } from '../src/train/image-set.ts';
import { binaryMetrics } from '../src/train/metrics.ts';
import { estimatePopulationStatistics } from '../src/train/population-statistics.ts';
import { recipeByName } from '../src/train/recipe.ts';

const { values } = scriptArgs(import.meta.url, {
  options: { from: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, backend: { type: 'string', default: 'cpu' } },
});
async function main(): Promise<void> {
  const { from, out } = values;
  if (!from || !out) throw new Error('--from DIR and --out DIR are required (--help for the usage)');
  const resultsFile = join(out, 'cv.json');
  if (existsSync(resultsFile)) throw new Error(`${resultsFile} already exists: choose another --out`);
  if (!existsSync(join(from, 'cv.json'))) throw new Error(`--from ${from}: there is no cv.json there (not a cv --out-dir)`);
  const saved = await readCvResults(join(from, 'cv.json'));
  const { settings } = saved;
  if (settings.bnStatistics !== 'moving') throw new Error(`${from}/cv.json already has ${settings.bnStatistics} BN statistics`);

  const recipe = recipeByName(settings.recipe);
  const spec = buildNet(settings.net, { size: settings.size, dropout: settings.dropout });
  const data = await listCvImages(values.data ?? dirname(settings.meta), settings.limit);
  const loading = new Progress(data.entries.length);
  const { set, skipped } = await loadImageSet(data.entries, { size: settings.size, crop: recipe.crop, normalise: recipe.normalise, onFile: () => loading.tick('loading') });
  // As in cv: the images are numbered after leaving out unreadable files.
  const unreadable = new Set(skipped.map((s) => s.path));
  const index = new Map(data.entries.filter((entry) => !unreadable.has(entry.path)).map((entry, i) => [relative(data.root, entry.path), i]));

  const backend = await createBackend(values.backend as BackendChoice, { notice: (line) => console.error(line) });
  const finished = saved.folds.filter((fold) => fold.result).length;
  const progress = new Progress(finished);
  const folds: FoldRecord[] = [];
  for (const [f, fold] of saved.folds.entries()) {
    if (!fold.result) {
      folds.push(fold);
      continue;
    }
    const held = fold.images.map((image) => {
      const i = index.get(image);
      if (i === undefined) throw new Error(`${from}/cv.json fold ${f + 1}: ${image} is not among the data set's readable images any more`);
      return i;
    });
    const { train, test } = foldSets(set, held);
    const checkpoint = await loadCheckpoint(foldDir(from, f));
    if (checkpoint.state.epoch !== settings.epochs) throw new Error(`${foldDir(from, f)}: its checkpoint is after epoch ${checkpoint.state.epoch}, not the CV's ${settings.epochs}`);
    const net = netFromWeights(spec, backend, checkpoint.weights);
    estimatePopulationStatistics(net, train, settings.batch);
    const { pCovid } = await predictSet(net, test, settings.batch);
    const state = { ...checkpoint.state, settings: { ...checkpoint.state.settings, bnStatistics: 'population' as const } };
    await mkdir(foldDir(out, f), { recursive: true });
    await saveCheckpoint(foldDir(out, f), spec, { ...checkpoint, state, weights: await net.exportWeights() });
    net.dispose();
    folds.push({ ...fold, result: { ...fold.result, metrics: binaryMetrics(test.labels, pCovid), pCovid: [...pCovid] } });
    progress.tick(`fold ${f + 1}: accuracy ${fold.result.metrics.accuracy?.toFixed(4)} → ${folds[f].result!.metrics.accuracy?.toFixed(4)}`);
  }
  backend.dispose();
  await writeCvResults(resultsFile, {
    ...saved,
    command: `${saved.command} --bn-stats population (statistics re-estimated from ${from} by scripts/population-cv.ts)`,
    settings: { ...settings, bnStatistics: 'population' },
    folds,
    summary: summarise(folds),
  });
  console.log(`${resultsFile}: ${finished} folds with population statistics; compare them: node bin/covid-ct.mjs compare ${from} ${out}`);
}

main().catch((err: Error) => {
  console.error(`scripts/population-cv.ts: ${err.message}`);
  process.exit(1);
});
