import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { camOverlayPng } from '../../src/cli/cam-overlay.ts';
import { loadEnsemble } from '../../src/cli/ensemble.ts';
import { classActivationMaps } from '../../src/nets/cam.ts';
import { ensembleCam, type PlacedCam } from '../../src/nets/ensemble-combine.ts';
import { inferenceNet } from '../../src/nets/fold-batchnorm.ts';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights } from '../../src/nets/init.ts';
import { encodeModel } from '../../src/nets/model-format.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { saveCheckpoint } from '../../src/train/checkpoint.ts';
import { foldRunSettings } from '../../src/train/cross-validate.ts';
import { CV_FORMAT, writeCvResults, type CvResults } from '../../src/train/cv-results.ts';
import { croppedFor } from '../../src/train/data/crop.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { preprocess, PREPROCESSING } from '../../src/train/data/preprocess.ts';
import { binaryMetrics } from '../../src/train/metrics.ts';
import { COVID_CT_IMAGES, COVID_CT_ROOT } from '../data/data-paths.ts';
import { covidCt, splitHead, tempDir } from '../train/cli.ts';

const dir = tempDir('ensemble-');
const spec = buildNet('light-cnn', { size: 32 });
const path = (name: string) => join(dir, `${name}.safetensors`);
/** 3 COVID and 3 NonCOVID slices of the validation split. */
const listed = splitHead('val', 3);
const images = listed.map((line) => `${COVID_CT_IMAGES}/${line}`);
const labels = listed.map((line) => (line.startsWith('COVID/') ? 1 : 0));

/** Seeded random weights with BN statistics away from the identity, so that members disagree clearly. */
function weights(seed: number): Map<string, Float32Array> {
  const w = initialWeights(spec, seed);
  const rng = new Random(seed + 100);
  for (const [name, v] of w) {
    if (name.endsWith('.running_mean')) w.set(name, v.map(() => rng.uniform(-0.5, 0.5)));
    if (name.endsWith('.running_var')) w.set(name, v.map(() => rng.uniform(0.3, 3)));
  }
  return w;
}

function saveModel(name: string, seed: number, { size = 32, crop = 'none', normalise = 'dataset', classNames = ['NonCOVID', 'COVID'] } = {}): void {
  const s = buildNet('light-cnn', { size });
  const w = size === 32 ? weights(seed) : initialWeights(s, seed);
  const preprocessing = { ...PREPROCESSING, size, crop, normalise };
  writeFileSync(path(name), encodeModel(s, w, { net: 'light-cnn', inChannels: 1, inputSize: size, preprocessing, classNames, training: 'untrained, for tests' }));
}

/** What `cv --out-dir out` leaves: cv.json and fold-NN/checkpoint.safetensors, with the weights of the given seeds; an unfinished fold has no result and a checkpoint after epoch 1 of 2. */
async function fakeCv(out: string, folds: { seed: number; finished: boolean }[]): Promise<void> {
  const settings = { net: 'light-cnn', recipe: 'paper', size: 32, epochs: 2, batch: 4, lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dropout: 0.5, bnStatistics: 'population' as const, seed: 1, deal: 1, folds: folds.length, root: COVID_CT_IMAGES, lists: [], meta: '', limit: null };
  const metrics = binaryMetrics([0, 1], [0.4, 0.6]);
  const results: CvResults = {
    format: CV_FORMAT, command: 'covid-ct cv (fake)', settings, selection: 'final epoch', summary: { finished: 0, mean: {} as never, sd: {} as never },
    folds: folds.map(({ finished }) => ({ images: ['NonCOVID/a.png', 'COVID/b.png'], patients: 2, result: finished ? { trainImages: 2, seconds: 1, metrics, pCovid: [0.4, 0.6] } : null })),
  };
  for (const [f, { seed, finished }] of folds.entries()) {
    const foldDir = join(out, `fold-${String(f + 1).padStart(2, '0')}`);
    mkdirSync(foldDir, { recursive: true });
    const state = { settings: foldRunSettings(settings, f), epoch: finished ? 2 : 1, best: null, log: [], seconds: 1 };
    await saveCheckpoint(foldDir, spec, { state, weights: weights(seed), velocities: new Map(), bestWeights: new Map() });
  }
  await writeCvResults(join(out, 'cv.json'), results);
}

const runs = new Map<string, Promise<{ pCovid: number; label: string; ms: number }[]>>();

/** `predict --json` of the images on cpu with these model flags, run once per set of flags. */
function predict(...args: string[]): Promise<{ pCovid: number; label: string; ms: number }[]> {
  const key = args.join(' ');
  if (!runs.has(key)) {
    runs.set(key, covidCt('predict', '--backend', 'cpu', '--json', ...args, ...images).then((run) => {
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout);
    }));
  }
  return runs.get(key)!;
}

const pCovids = (rows: { pCovid: number }[]) => rows.map((r) => r.pCovid);
const ab = () => [path('a'), path('b')].join(',');

describe('ensembles in covid-ct predict and eval (two random light-cnn at 32 × 32, cpu)', () => {
  beforeAll(async () => {
    saveModel('a', 41);
    saveModel('b', 42);
    await fakeCv(join(dir, 'cv'), [{ seed: 41, finished: true }, { seed: 42, finished: true }, { seed: 43, finished: false }]);
    await fakeCv(join(dir, 'cv-one'), [{ seed: 41, finished: true }, { seed: 42, finished: false }]);
  });

  it('predict: the ensemble\'s P(COVID) is the mean of its members\', its label follows it, its time covers both', async () => {
    const [a, b, both] = await Promise.all([predict('--model', path('a')), predict('--model', path('b')), predict('--model', ab())]);
    expect(Math.max(...a.map((r, i) => Math.abs(r.pCovid - b[i].pCovid)))).toBeGreaterThan(0.05);
    both.forEach((row, i) => {
      expect(Math.abs(row.pCovid - (a[i].pCovid + b[i].pCovid) / 2)).toBeLessThan(1e-6);
      expect(row.label).toBe(row.pCovid > 0.5 ? 'COVID' : 'NonCOVID');
      expect(row.ms).toBeGreaterThan(0);
    });
  });

  it('eval --json of the ensemble scores the mean of the members\' P(COVID)', async () => {
    const list = join(dir, 'val-6.txt');
    writeFileSync(list, listed.join('\n'));
    const evalJson = async (model: string) => {
      const run = await covidCt('eval', '--data', COVID_CT_ROOT, '--list', list, '--model', model, '--backend', 'cpu', '--batch', '1', '--json');
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout);
    };
    const [a, b, evalA, evalAB] = await Promise.all([predict('--model', path('a')), predict('--model', path('b')), evalJson(path('a')), evalJson(ab())]);
    const mean = a.map((r, i) => (r.pCovid + b[i].pCovid) / 2);
    for (const [got, want] of [[evalA, binaryMetrics(labels, pCovids(a))], [evalAB, binaryMetrics(labels, mean)]] as const) {
      expect(got.confusion).toEqual(want.confusion);
      for (const key of ['accuracy', 'sensitivity', 'specificity', 'auc'] as const) expect(Math.abs(got[key] - want[key]!)).toBeLessThan(1e-6);
    }
  });

  it('--models DIR takes the finished folds of a cv --out-dir in fold order; one member gives the single model exactly', async () => {
    const run = await covidCt('predict', '--backend', 'cpu', '--json', '--models', join(dir, 'cv'), ...images);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`ensemble of 2 models: ${join(dir, 'cv', 'fold-01', 'checkpoint.safetensors')}, ${join(dir, 'cv', 'fold-02', 'checkpoint.safetensors')}\n`);
    const [both, a, one] = await Promise.all([predict('--model', ab()), predict('--model', path('a')), predict('--models', join(dir, 'cv-one'))]);
    expect(pCovids(JSON.parse(run.stdout))).toEqual(pCovids(both));
    expect(pCovids(one)).toEqual(pCovids(a));
  });

  it('--cam of an ensemble overlays the mean of its members\' maps for the class it predicts', async () => {
    const camDir = join(dir, 'cams');
    const run = await covidCt('predict', '--backend', 'cpu', '--json', '--model', ab(), '--cam', camDir, images[0]);
    expect(run.code, run.stderr).toBe(0);
    const [{ label }] = JSON.parse(run.stdout);
    const planes: Float32Array[] = [];
    const input = preprocess(await loadImageFile(images[0]), { size: 32 });
    for (const seed of [41, 42]) {
      const net = inferenceNet(spec, new CpuBackend(), weights(seed));
      const pass = net.forward(net.backend.tensor([1, 1, 32, 32], input), 'infer', { keepFeatures: true });
      const best = label === 'COVID' ? 1 : 0;
      const cams = await classActivationMaps(net, pass.features!);
      const [h, w] = cams.rawSize;
      expect([h, w]).toEqual([8, 8]); // a quarter of the input's side: the map is upsampled once, from there, to the slice
      planes.push(cams.raw.subarray(best * h * w, (best + 1) * h * w));
    }
    const want = camOverlayPng(await loadImageFile(images[0]), { data: planes[0].map((v, i) => (v + planes[1][i]) / 2), height: 8, width: 8 });
    expect(readFileSync(join(camDir, `${basename(images[0])}.cam.png`)).equals(want)).toBe(true); // toEqual's diff of two PNGs takes minutes
  });

  it('refuses members that differ in input size or class names, naming both files and the field', async () => {
    saveModel('size64', 41, { size: 64 });
    saveModel('classes', 41, { classNames: ['COVID', 'NonCOVID'] });
    const a = path('a');
    await expect(loadEnsemble(`${a},${path('size64')}`, undefined)).rejects.toThrow(`ensemble members differ in input size: ${a} has 1×32×32, ${path('size64')} has 1×64×64`);
    await expect(loadEnsemble(`${a},${path('classes')}`, undefined)).rejects.toThrow(`ensemble members differ in class names: ${a} has NonCOVID,COVID, ${path('classes')} has COVID,NonCOVID`);
    await expect(loadEnsemble(a, join(dir, 'cv'))).rejects.toThrow('give --model or --models, not both');
    mkdirSync(join(dir, 'empty'));
    await expect(loadEnsemble(undefined, join(dir, 'empty'))).rejects.toThrow(`there is no ${join(dir, 'empty', 'cv.json')}`);
    const run = await covidCt('predict', '--backend', 'cpu', '--model', `${a},${path('classes')}`, images[0]);
    expect([run.code, run.stderr]).toEqual([1, `covid-ct: ensemble members differ in class names: ${a} has NonCOVID,COVID, ${path('classes')} has COVID,NonCOVID\n`]);
  });

  it('members that prepare images differently each score the slice as their training did; the CAM lies each map over its crop', async () => {
    saveModel('lung-box', 42, { crop: 'lung-box', normalise: 'image' });
    const mixed = `${path('a')},${path('lung-box')}`;
    const [both, a, box] = await Promise.all([predict('--model', mixed), predict('--model', path('a')), predict('--model', path('lung-box'))]);
    both.forEach((row, i) => expect(row.pCovid).toBeCloseTo((a[i].pCovid + box[i].pCovid) / 2, 6));
    expect(pCovids(box)).not.toEqual(pCovids(a));

    const camDir = join(dir, 'mixed-cams');
    const run = await covidCt('predict', '--backend', 'cpu', '--json', '--model', mixed, '--cam', camDir, images[0]);
    expect(run.code, run.stderr).toBe(0);
    const best = JSON.parse(run.stdout)[0].label === 'COVID' ? 1 : 0;
    const image = await loadImageFile(images[0]);
    const cams: PlacedCam[] = [];
    for (const [seed, crop, normalise] of [[41, 'none', 'dataset'], [42, 'lung-box', 'image']] as const) {
      const { box } = croppedFor(image, crop);
      const net = inferenceNet(spec, new CpuBackend(), weights(seed));
      const pass = net.forward(net.backend.tensor([1, 1, 32, 32], preprocess(image, { size: 32, crop, normalise })), 'infer', { keepFeatures: true });
      const maps = await classActivationMaps(net, pass.features!);
      cams.push({ data: maps.raw.subarray(best * 64, (best + 1) * 64), height: 8, width: 8, box });
    }
    expect(cams[1].box.width * cams[1].box.height).toBeLessThan(image.width * image.height); // the lungs' box is a part of the slice
    const want = camOverlayPng(image, ensembleCam(cams));
    expect(readFileSync(join(camDir, `${basename(images[0])}.cam.png`)).equals(want)).toBe(true);
  });

  it('info describes each member of an ensemble; export-onnx, which writes one net, refuses one by name', async () => {
    const info = await covidCt('info', '--json', '--model', `${path('a')},${path('lung-box')}`);
    expect(info.code, info.stderr).toBe(0);
    const { ensemble } = JSON.parse(info.stdout);
    expect(ensemble.map((m: { file: string; preprocessing: { crop: string } }) => [m.file, m.preprocessing.crop])).toEqual([[path('a'), 'none'], [path('lung-box'), 'lung-box']]);
    const text = await covidCt('info', '--model', `${path('a')},${path('lung-box')}`);
    expect(text.stdout).toMatch(new RegExp(`^an ensemble of 2 models: P\\(COVID\\) is the mean of theirs\n\n${path('a')}: light-cnn, 1,271,682 trainable`));
    const onnx = await covidCt('export-onnx', '--model', ab(), '--out', join(dir, 'ab.onnx'));
    expect([onnx.code, onnx.stderr]).toEqual([1, `covid-ct: export-onnx writes one net, and --model is an ensemble of 2 (${path('a')}, ${path('b')}); give --model with one of them (each records in its metadata how it prepares the images)\n`]);
  });

  it('refuses a preprocessed .npy tensor for members that prepare images differently', async () => {
    const npy = join(dir, 'x.npy');
    writeFileSync(npy, 'refused before it is read');
    const run = await covidCt('predict', '--backend', 'cpu', '--model', `${path('a')},${path('lung-box')}`, npy);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${npy} is a preprocessed tensor, but the ensemble's members prepare images differently (${path('a')}: crop none, normalisation dataset; ${path('lung-box')}: crop lung-box, normalisation image): give images`);
  });
});
