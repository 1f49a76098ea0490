import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withClasses } from '../../src/nets/classifier.ts';
import { buildNet } from '../../src/nets/index.ts';
import { createNet } from '../../src/nets/init.ts';
import { saveModelFile } from '../../src/nets/model-file.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { CvResults } from '../../src/train/cv-results.ts';
import { PREPROCESSING } from '../../src/train/data/preprocess.ts';
import { binaryMetrics } from '../../src/train/metrics.ts';
import { QUARTER_TURNS } from '../../src/train/rotation-batch.ts';
import { COVID_CT_ROOT } from '../data/data-paths.ts';
import { covidCt, tempDir, type CliResult } from './cli.ts';

const dir = tempDir('cv-cli-');
/** 3 patients of each class (31 slices), 2 folds, 32 × 32, batch 4, on the cpu backend. */
const TINY_CV = ['--data', COVID_CT_ROOT, '--limit', '3', '--folds', '2', '--size', '32', '--batch', '4', '--backend', 'cpu'];
const cv = (outDir: string, ...args: string[]) => covidCt('cv', ...TINY_CV, '--out-dir', join(dir, outDir), ...args);
const results = (outDir: string): CvResults => JSON.parse(readFileSync(join(dir, outDir, 'cv.json'), 'utf8'));

/** The first 3 patients of each class in train.txt then val.txt order, read straight from the data set's files. */
function expectedImages(): Map<string, string> {
  const patientOf = new Map(readFileSync(`${COVID_CT_ROOT}/meta.csv`, 'utf8').trim().split('\n').slice(1).map((line) => [line.split(',')[0], line.split(',')[2]] as const));
  const listed = ['train', 'val'].flatMap((split) => readFileSync(`${COVID_CT_ROOT}/splits/${split}.txt`, 'utf8').trim().split('\n'));
  const patients = { COVID: new Set<string>(), NonCOVID: new Set<string>() };
  const images = new Map<string, string>();
  for (const path of listed) {
    const seen = patients[path.split('/')[0] as 'COVID' | 'NonCOVID'];
    if (seen.size < 3) seen.add(patientOf.get(path)!);
    if (seen.has(patientOf.get(path)!)) images.set(path, patientOf.get(path)!);
  }
  return images;
}

const labelsOf = (images: string[]) => images.map((path) => (path.startsWith('COVID/') ? 1 : 0));

describe('covid-ct cv: 2 folds of 3 + 3 patients, 2 epochs, 32 × 32 (cpu)', () => {
  let straight: CliResult;
  beforeAll(async () => {
    straight = await cv('straight', '--epochs', '2');
  });

  it('holds every listed image of those patients once, no patient in both folds, and scores each fold on its own images', () => {
    expect(straight.code, straight.stderr).toBe(0);
    const { folds, settings, selection } = results('straight');
    const expected = expectedImages();
    expect(expected.size).toBe(31);
    expect(folds.flatMap((f) => f.images).sort()).toEqual([...expected.keys()].sort());
    const [a, b] = folds.map((f) => new Set(f.images.map((path) => expected.get(path))));
    expect([...a].filter((patient) => b.has(patient))).toEqual([]);
    expect(a.size + b.size).toBe(6);
    expect(settings).toMatchObject({ folds: 2, epochs: 2, size: 32, limit: 3, lr: 0.01, momentum: 0.9, weightDecay: 1e-4, seed: 1 });
    expect(selection).toContain('final epoch');
    for (const fold of folds) {
      const { result } = fold;
      expect(result!.trainImages).toBe(31 - fold.images.length);
      expect(result!.pCovid.length).toBe(fold.images.length);
      expect(result!.pCovid.every((p) => p > 0 && p < 1)).toBe(true);
      expect(result!.metrics).toEqual(binaryMetrics(labelsOf(fold.images), result!.pCovid));
    }
  });

  it('prints the per-fold table with mean and sample SD rows, in percent, and progress with an ETA', () => {
    const { folds, summary } = results('straight');
    const lines = straight.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Patient-grouped 2-fold cross-validation: light-cnn, paper recipe, 2 epochs, 32×32, seed 1/);
    expect(lines[1].split(/\s+/)).toEqual(['Fold', 'Images', 'Accuracy', 'Sensitivity', 'Specificity', 'Precision', 'F1', 'AUC']);
    const cells = (line: string) => line.trim().split(/\s+/);
    folds.forEach((fold, f) => {
      const m = fold.result!.metrics;
      const pct = (v: number | null) => (v === null ? 'n/a' : (100 * v).toFixed(2));
      expect(cells(lines[2 + f])).toEqual([String(f + 1), String(fold.images.length), ...[m.accuracy, m.sensitivity, m.specificity, m.precision, m.f1, m.auc].map(pct)]);
    });
    const [accA, accB] = folds.map((f) => f.result!.metrics.accuracy!);
    expect(summary.finished).toBe(2);
    expect(summary.mean.accuracy).toBeCloseTo((accA + accB) / 2, 12);
    expect(summary.sd.accuracy).toBeCloseTo(Math.abs(accA - accB) / Math.SQRT2, 12);
    expect(cells(lines[5])).toEqual(['Mean', (100 * summary.mean.accuracy!).toFixed(2), ...cells(lines[5]).slice(2)]);
    expect(cells(lines[6])[1]).toBe((100 * summary.sd.accuracy!).toFixed(2));
    const steps = folds.reduce((sum, f) => sum + 2 * Math.ceil(f.result!.trainImages / 4), 0);
    expect(straight.stderr).toMatch(new RegExp(`\\[${steps}/${steps}\\] fold 2/2 epoch 2 step \\d+/\\d+ loss \\d+\\.\\d+ — \\d+ s elapsed, ETA 0 s`));
  });

  it('--resume skips a finished fold and goes on with a fold cut off after epoch 1, to the same scores', async () => {
    // What a kill during fold 2's second epoch leaves: fold 1 in the results file, fold 2's checkpoint after epoch 1.
    const oneEpoch = await cv('one-epoch', '--epochs', '1');
    expect(oneEpoch.code, oneEpoch.stderr).toBe(0);
    const killed = results('straight');
    killed.folds[1].result = null;
    mkdirSync(join(dir, 'killed'));
    writeFileSync(join(dir, 'killed', 'cv.json'), JSON.stringify(killed));
    cpSync(join(dir, 'one-epoch', 'fold-02'), join(dir, 'killed', 'fold-02'), { recursive: true });

    const resumed = await cv('killed', '--epochs', '2', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('1 of 2 folds already done');
    expect(resumed.stderr).not.toMatch(/fold 1\/2 epoch|fold 2\/2 epoch 1 step/);
    const steps = Math.ceil(killed.folds[0].images.length / 4);
    expect(resumed.stderr).toMatch(new RegExp(`\\[${steps}/${steps}\\] fold 2/2 epoch 2 step ${steps}/${steps}`));
    expect(existsSync(join(dir, 'killed', 'fold-01'))).toBe(false);
    const [want, got] = [results('straight'), results('killed')];
    expect(got.folds.map((f) => f.result?.pCovid)).toEqual(want.folds.map((f) => f.result?.pCovid));
    expect(got.summary).toEqual(want.summary);
    expect(resumed.stdout).toBe(straight.stdout);
  });

  it('--deal sets the folds and --seed the training alone, so two seeds can share one deal; a resume must name the same deal', async () => {
    const [seedOne, dealtByOne, dealtByTwo] = await Promise.all([
      cv('seed-1', '--epochs', '1'),
      cv('seed-2-deal-1', '--epochs', '1', '--seed', '2', '--deal', '1'),
      cv('seed-1-deal-3', '--epochs', '1', '--deal', '3'),
    ]);
    for (const run of [seedOne, dealtByOne, dealtByTwo]) expect(run.code, run.stderr).toBe(0);
    const images = (outDir: string) => results(outDir).folds.map((f) => f.images);
    const pCovid = (outDir: string) => results(outDir).folds.map((f) => f.result!.pCovid);
    expect(images('seed-2-deal-1')).toEqual(images('straight'));
    expect(images('seed-1-deal-3')).not.toEqual(images('straight'));
    expect(pCovid('seed-2-deal-1')).not.toEqual(pCovid('seed-1'));
    expect(results('seed-2-deal-1').settings).toMatchObject({ seed: 2, deal: 1 });
    expect(dealtByOne.stdout.split('\n')[0]).toContain('32×32, seed 2, folds dealt by seed 1;');
    const undealt = await cv('seed-2-deal-1', '--epochs', '1', '--seed', '2', '--resume');
    expect(undealt.code).toBe(1);
    expect(undealt.stderr).toContain('deal 1 (results file) vs 2 (now)');
  });

  it('--recipe A+B cross-validates each recipe on the same folds, then scores each held-out slice by the mean of their fold models', async () => {
    const pair = await cv('pair', '--epochs', '2', '--recipe', 'paper+dihedral');
    expect(pair.code, pair.stderr).toBe(0);
    expect(pair.stderr).toContain('ensemble member 2 of 2: recipe dihedral');
    const [paper, dihedral, ensemble] = ['pair/paper', 'pair/dihedral', 'pair'].map(results);
    expect(paper.folds.map((f) => f.result?.pCovid)).toEqual(results('straight').folds.map((f) => f.result?.pCovid));
    expect(dihedral.settings.recipe).toBe('dihedral');
    expect(ensemble.settings.recipe).toBe('paper+dihedral');
    ensemble.folds.forEach((fold, k) => {
      expect(fold.images).toEqual(paper.folds[k].images);
      fold.result!.pCovid.forEach((p, i) => expect(p).toBeCloseTo((paper.folds[k].result!.pCovid[i] + dihedral.folds[k].result!.pCovid[i]) / 2, 12));
      expect(fold.result!.metrics).toEqual(binaryMetrics(fold.images.map((image) => (image.startsWith('COVID/') ? 1 : 0)), fold.result!.pCovid));
    });
    const lastTable = (out: string) => out.slice(out.lastIndexOf('Patient-grouped'));
    expect(pair.stdout).toContain('the ensemble of paper + dihedral: each held-out slice scored by the mean P(COVID)');
    expect(pair.stdout).toContain('Patient-grouped 2-fold cross-validation: light-cnn, paper+dihedral recipe');

    const again = await cv('pair', '--epochs', '2', '--recipe', 'paper+dihedral');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${join(dir, 'pair', 'paper', 'cv.json')} already holds cross-validation results: add --resume`);
    const resumed = await cv('pair', '--epochs', '2', '--recipe', 'paper+dihedral', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/epoch 1 step/);
    expect(lastTable(resumed.stdout)).toBe(lastTable(pair.stdout));
    const evalHeldOut = (models: string) => covidCt('eval', '--data', COVID_CT_ROOT, '--models', models, '--held-out', '--backend', 'cpu', '--json');
    const [byDir, byMembers] = [await evalHeldOut(join(dir, 'pair')), await evalHeldOut(`${join(dir, 'pair', 'paper')},${join(dir, 'pair', 'dihedral')}`)];
    expect(byDir.code, byDir.stderr).toBe(0);
    expect(JSON.parse(byDir.stdout)).toEqual(JSON.parse(byMembers.stdout));
    expect(JSON.parse(byDir.stdout).n).toBe(31);
    const json = await cv('pair-json', '--recipe', 'paper+dihedral', '--json', join(dir, 'x.json'));
    expect(json.stderr).toContain(`--json: an ensemble's results go to ${join(dir, 'pair-json', 'cv.json')}`);
    const unknown = await cv('pair-unknown', '--recipe', 'paper+dihedrall');
    expect(unknown.stderr).toContain('unknown recipe "dihedrall"');
    expect(existsSync(join(dir, 'pair-unknown'))).toBe(false);
  });

  it('refuses to overwrite results, to resume with other settings, and more folds than patients', async () => {
    const again = await cv('straight', '--epochs', '2');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${join(dir, 'straight', 'cv.json')} already holds cross-validation results: add --resume`);
    const other = await cv('straight', '--epochs', '3', '--seed', '2', '--resume');
    expect(other.stderr).toContain('epochs 2 (results file) vs 3 (now); seed 1 (results file) vs 2 (now)');
    const tooMany = await covidCt('cv', ...TINY_CV.map((arg, i) => (TINY_CV[i - 1] === '--folds' ? '7' : arg)), '--out-dir', join(dir, 'seven'));
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('cannot make 7 folds from 6 patients');
    const noMeta = await covidCt('cv', '--data', join(COVID_CT_ROOT, 'images'), '--out-dir', join(dir, 'no-meta'));
    expect(noMeta.stderr).toContain('no meta.csv there, and patient-grouped folds need its patient ids');
    const gpu = await cv('gpu', '--backend', 'gpu');
    expect(gpu.stderr).toContain('--backend must be webgpu, cpu or auto, got "gpu"');
    expect(existsSync(join(dir, 'gpu'))).toBe(false);
  });

  it('a fold of one class reports n/a for what needs the other, in the progress line as in the table', async () => {
    const sixFolds = TINY_CV.map((arg, i) => (TINY_CV[i - 1] === '--folds' ? '6' : arg));
    const onePatientEach = await covidCt('cv', ...sixFolds, '--epochs', '1', '--out-dir', join(dir, 'six'));
    expect(onePatientEach.code, onePatientEach.stderr).toBe(0);
    const { folds } = results('six');
    const covidOnly = folds.findIndex((fold) => fold.images.every((path) => path.startsWith('COVID/')));
    const nonCovidOnly = folds.findIndex((fold) => fold.images.every((path) => path.startsWith('NonCOVID/')));
    expect(covidOnly).toBeGreaterThanOrEqual(0);
    expect(nonCovidOnly).toBeGreaterThanOrEqual(0);
    expect(onePatientEach.stderr).toMatch(new RegExp(`fold ${covidOnly + 1}/6: accuracy \\d\\.\\d{4}, sensitivity \\d\\.\\d{4}, specificity n/a, AUC n/a, `));
    expect(onePatientEach.stderr).toMatch(new RegExp(`fold ${nonCovidOnly + 1}/6: accuracy \\d\\.\\d{4}, sensitivity n/a, specificity \\d\\.\\d{4}, AUC n/a, `));
    expect(onePatientEach.stderr).not.toContain('undefined');
  });
});

describe('covid-ct cv --only-folds: one cross-validation spread over two processes', () => {
  it('each process trains only its folds; a --resume then scores the other from its checkpoint, to the same results as one process', async () => {
    const [first, second] = await Promise.all([cv('spread', '--epochs', '2', '--only-folds', '1'), cv('spread', '--epochs', '2', '--only-folds', '2', '--json', join(dir, 'spread-2.json'))]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(first.stderr).toContain('this process takes fold 1 only');
    expect(first.stderr).not.toMatch(/fold 2\/2 epoch/);
    expect(second.stderr).not.toMatch(/fold 1\/2 epoch/);
    expect(results('spread').folds.map((f) => f.result !== null)).toEqual([true, false]);

    const merged = await cv('spread', '--epochs', '2', '--resume');
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).not.toMatch(/epoch \d step/);
    expect(results('spread').folds.map((f) => f.result?.pCovid)).toEqual(results('straight').folds.map((f) => f.result?.pCovid));
    expect(results('spread').summary).toEqual(results('straight').summary);

    const bad = await cv('spread-bad', '--epochs', '2', '--only-folds', '2-3');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--only-folds: "2-3" is not a fold or range of folds between 1 and 2');
  });
});

describe('covid-ct cv --processes 2: the folds trained in child processes at once', () => {
  it('deals the folds out, prefixes their progress, and scores them here, to the same results as one process', async () => {
    const spread = await cv('processes', '--epochs', '2', '--processes', '2');
    expect(spread.code, spread.stderr).toBe(0);
    expect(spread.stderr).toContain('training 2 folds in 2 processes');
    expect(spread.stderr).toMatch(/\[process 1, folds 1\] \[\d+\/\d+\] fold 1\/2 epoch 2/);
    expect(spread.stderr).toMatch(/\[process 2, folds 2\] \[\d+\/\d+\] fold 2\/2 epoch 2/);
    expect(spread.stderr).not.toMatch(/^\[\d+\/\d+\] fold \d\/2 epoch/m);
    expect(existsSync(join(dir, 'processes', 'part-1.json')) && existsSync(join(dir, 'processes', 'part-2.json'))).toBe(true);
    expect(results('processes').folds.map((f) => f.result?.pCovid)).toEqual(results('straight').folds.map((f) => f.result?.pCovid));
    expect(results('processes').summary).toEqual(results('straight').summary);
    expect(spread.stdout).toMatch(/^Patient-grouped 2-fold cross-validation[^]*\nMean /);

    // Both folds cut off after epoch 1: with --resume, each process goes on from its fold's checkpoint.
    const cut = results('straight');
    for (const fold of cut.folds) fold.result = null;
    mkdirSync(join(dir, 'processes-cut'));
    writeFileSync(join(dir, 'processes-cut', 'cv.json'), JSON.stringify(cut));
    for (const fold of ['fold-01', 'fold-02']) cpSync(join(dir, 'one-epoch', fold), join(dir, 'processes-cut', fold), { recursive: true });
    const resumed = await cv('processes-cut', '--epochs', '2', '--processes', '2', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/epoch 1 step/);
    expect(resumed.stderr).toMatch(/\[process 2, folds 2\] \[\d+\/\d+\] fold 2\/2 epoch 2/);
    expect(results('processes-cut').folds.map((f) => f.result?.pCovid)).toEqual(results('straight').folds.map((f) => f.result?.pCovid));

    // A part file of other settings fails its process, which is named.
    const part = JSON.parse(readFileSync(join(dir, 'processes-cut', 'part-1.json'), 'utf8'));
    writeFileSync(join(dir, 'processes-cut', 'part-1.json'), JSON.stringify({ ...part, settings: { ...part.settings, epochs: 3 } }));
    writeFileSync(join(dir, 'processes-cut', 'cv.json'), JSON.stringify(cut));
    const clash = await cv('processes-cut', '--epochs', '2', '--processes', '2', '--resume');
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`[process 1, folds 1] covid-ct: --resume: ${join(dir, 'processes-cut', 'part-1.json')} was made with other settings: epochs 3 (results file) vs 2 (now)`);
    expect(clash.stderr).toContain('process 1 (folds 1) exited with code 1: its messages are above');

    const both = await cv('processes-bad', '--epochs', '2', '--processes', '2', '--only-folds', '1');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--processes deals the folds out to its processes itself: leave out --only-folds');
  });
});

describe('covid-ct eval --models DIR --held-out: each fold model on its own fold, pooled', () => {
  it('gives the cross-validation\'s pooled scores, and the same pooling for every robustness view', async () => {
    const run = await covidCt('eval', '--data', COVID_CT_ROOT, '--models', join(dir, 'straight'), '--held-out', '--backend', 'cpu', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`held out: 2 folds of ${join(dir, 'straight')}, each scored only by its fold model`);
    expect(run.stderr).not.toContain('ensemble of');
    const { folds } = results('straight');
    const want = binaryMetrics(folds.flatMap((f) => labelsOf(f.images)), folds.flatMap((f) => f.result!.pCovid));
    const got = JSON.parse(run.stdout);
    expect(got.n).toBe(31);
    expect(got.confusion).toEqual(want.confusion);
    for (const key of ['accuracy', 'sensitivity', 'specificity', 'auc'] as const) expect(Math.abs(got[key] - want[key]!)).toBeLessThan(1e-6);

    const views = await covidCt('eval', '--data', COVID_CT_ROOT, '--models', join(dir, 'straight'), '--held-out', '--backend', 'cpu', '--robustness', '--json');
    expect(views.code, views.stderr).toBe(0);
    const rows = JSON.parse(views.stdout).views;
    expect(rows.map((r: { view: string }) => r.view)).toEqual(['original', 'rotated 90°', 'cropped 80%', 'rotated 90° + cropped 80%']);
    expect(rows.every((r: { n: number }) => r.n === 31)).toBe(true);
    expect(rows[0].confusion).toEqual(want.confusion);

    const bad = await covidCt('eval', '--data', COVID_CT_ROOT, '--held-out');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--held-out needs --models DIR');

    cpSync(join(dir, 'straight'), join(dir, 'moved'), { recursive: true });
    const moved = results('moved');
    moved.folds[1].images[0] = 'COVID/no-such-slice.png';
    writeFileSync(join(dir, 'moved', 'cv.json'), JSON.stringify(moved));
    const missing = await covidCt('eval', '--data', COVID_CT_ROOT, '--models', join(dir, 'moved'), '--held-out', '--backend', 'cpu');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(dir, 'moved')}/cv.json (the fold of ${join(dir, 'moved', 'fold-02', 'checkpoint.safetensors')}) lists COVID/no-such-slice.png, but`);

    cpSync(join(dir, 'straight'), join(dir, 'relabelled'), { recursive: true });
    const relabelled = results('relabelled');
    relabelled.settings.lr = 0.02;
    writeFileSync(join(dir, 'relabelled', 'cv.json'), JSON.stringify(relabelled));
    const unlike = await covidCt('eval', '--data', COVID_CT_ROOT, '--models', join(dir, 'relabelled'), '--held-out', '--backend', 'cpu');
    expect(unlike.code).toBe(1);
    expect(unlike.stderr).toContain(`${join(dir, 'relabelled', 'fold-01', 'checkpoint.safetensors')} was not trained as ${join(dir, 'relabelled', 'cv.json')} records its fold 1: lr 0.01 (checkpoint) vs 0.02 (now)`);
  });

  it('--upright DIR turns each fold\'s images upright by that fold\'s orientation net, DIR/fold-NN.safetensors, and names a missing one', async () => {
    const uprightDir = join(dir, 'upright');
    mkdirSync(uprightDir);
    const save = (fold: string, seed: number) => saveModelFile(join(uprightDir, `fold-${fold}.safetensors`), createNet(withClasses(buildNet('light-cnn', { size: 32 }), 4), new CpuBackend(), seed), {
      net: 'light-cnn', inChannels: 1, inputSize: 32, preprocessing: { ...PREPROCESSING, size: 32 }, classNames: [...QUARTER_TURNS], training: 'untrained, for tests',
    });
    const args = ['eval', '--data', COVID_CT_ROOT, '--models', join(dir, 'straight'), '--held-out', '--backend', 'cpu', '--json', '--upright', uprightDir];
    await save('01', 8);
    const missing = await covidCt(...args);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(join(uprightDir, 'fold-02.safetensors'));
    await save('02', 9);
    const run = await covidCt(...args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/--upright: [1-9]\d* of 31 images \(original\) turned back upright/);
    expect(JSON.parse(run.stdout).n).toBe(31);
    // Turned back, the held-out slices are scored otherwise (eval's own --upright test checks how, for one model).
    const asTheyAre = JSON.parse((await covidCt(...args.slice(0, -2))).stdout);
    expect(JSON.parse(run.stdout).auc).not.toBeCloseTo(asTheyAre.auc, 6);

    // the lists to train those nets on: each fold's training slices, every other fold's images
    execFileSync('node', ['scripts/fold-train-lists.mjs', join(dir, 'straight'), join(uprightDir, 'lists')]);
    const { folds } = results('straight');
    for (const [k, other] of [[0, 1], [1, 0]]) {
      expect(readFileSync(join(uprightDir, 'lists', `fold-0${k + 1}.txt`), 'utf8').trim().split('\n')).toEqual(folds[other].images);
    }
  });

  it('with two CVs of the same folds (2 epochs and 1), scores each fold by the mean P(COVID) of both fold models', async () => {
    const models = `${join(dir, 'straight')},${join(dir, 'one-epoch')}`;
    const run = await covidCt('eval', '--data', COVID_CT_ROOT, '--models', models, '--held-out', '--backend', 'cpu', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`held out: 2 folds of ${models}, each scored only by the mean P(COVID) of its fold models`);
    const [two, one] = [results('straight').folds, results('one-epoch').folds];
    const mean = two.flatMap((f, k) => f.result!.pCovid.map((p, i) => (p + one[k].result!.pCovid[i]) / 2));
    const want = binaryMetrics(two.flatMap((f) => labelsOf(f.images)), mean);
    const alone = binaryMetrics(two.flatMap((f) => labelsOf(f.images)), two.flatMap((f) => f.result!.pCovid));
    expect(want.confusion).not.toEqual(alone.confusion);
    const got = JSON.parse(run.stdout);
    expect(got.confusion).toEqual(want.confusion);
    for (const key of ['accuracy', 'sensitivity', 'specificity', 'auc'] as const) expect(Math.abs(got[key] - want[key]!)).toBeLessThan(1e-6);

    cpSync(join(dir, 'straight'), join(dir, 'swapped'), { recursive: true });
    const swapped = results('swapped');
    const [first, second] = swapped.folds;
    [first.images, second.images] = [second.images, first.images];
    writeFileSync(join(dir, 'swapped', 'cv.json'), JSON.stringify(swapped));
    const unlike = await covidCt('eval', '--data', COVID_CT_ROOT, '--models', `${join(dir, 'straight')},${join(dir, 'swapped')}`, '--held-out', '--backend', 'cpu');
    expect(unlike.code).toBe(1);
    expect(unlike.stderr).toContain(`--models: ${join(dir, 'swapped')} and ${join(dir, 'straight')} do not hold out the same slices in the same finished folds`);
  });
});
