import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withClasses } from '../../src/nets/classifier.ts';
import { inferenceNet } from '../../src/nets/fold-batchnorm.ts';
import { buildNet } from '../../src/nets/index.ts';
import { createNet } from '../../src/nets/init.ts';
import { saveModelFile } from '../../src/nets/model-file.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { GrayImage } from '../../src/train/data/image.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { PREPROCESSING, preprocess } from '../../src/train/data/preprocess.ts';
import { binaryMetrics } from '../../src/train/metrics.ts';
import { QUARTER_TURNS } from '../../src/train/rotation-batch.ts';
import { turnedUpright, turnsFromUpright } from '../../src/train/upright.ts';
import { ROBUSTNESS_VIEWS, viewImage } from '../../src/train/views.ts';
import { softmaxRows } from '../../src/cli/softmax.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { covidCt, tempDir } from './cli.ts';

const dir = tempDir('eval-cli-');
const model = join(dir, 'untrained-32.safetensors');
const folder = join(dir, 'covid-only');
const images = readdirSync(`${COVID_CT_IMAGES}/COVID`).sort().slice(0, 5).map((name) => `${COVID_CT_IMAGES}/COVID/${name}`);
const net = createNet(buildNet('light-cnn', { size: 32 }), new CpuBackend(), 21);
const orientationModel = join(dir, 'orientation-32.safetensors');
const orientationNet = createNet(withClasses(buildNet('light-cnn', { size: 32 }), QUARTER_TURNS.length), new CpuBackend(), 8);

/** P(COVID) of each image, straight from the net, each decoded image first changed by `sourceView`. */
async function direct(paths: string[], sourceView = (image: GrayImage) => image): Promise<number[]> {
  const out: number[] = [];
  for (const path of paths) {
    const pass = net.forward(net.backend.tensor([1, 1, 32, 32], preprocess(sourceView(await loadImageFile(path)), { size: 32 })), 'infer');
    out.push(softmaxRows(await pass.logits.read(), 2)[1]);
  }
  return out;
}

/** P(COVID) of each image turned k quarter turns counter-clockwise (as displayed). */
async function directTurned(paths: string[], k: number): Promise<number[]> {
  const out: number[] = [];
  for (const path of paths) {
    let x = preprocess(await loadImageFile(path), { size: 32 });
    for (let t = 0; t < k; t++) x = Float32Array.from(x, (_, i) => x[(i % 32) * 32 + 31 - Math.floor(i / 32)]);
    const pass = net.forward(net.backend.tensor([1, 1, 32, 32], x), 'infer');
    out.push(softmaxRows(await pass.logits.read(), 2)[1]);
  }
  return out;
}

// Slices 41–46 of each class: this untrained net ranks them differently as they are, turned and turned back, so AUC shows how they were scored.
const mixed = join(dir, 'mixed');
const [mixedCovid, mixedNonCovid] = ['COVID', 'NonCOVID'].map((label) => readdirSync(`${COVID_CT_IMAGES}/${label}`).sort().slice(40, 46).map((name) => `${COVID_CT_IMAGES}/${label}/${name}`));
const mixedImages = [...mixedCovid, ...mixedNonCovid];
const mixedLabels = [...mixedCovid.map(() => 1), ...mixedNonCovid.map(() => 0)];

describe('covid-ct eval', () => {
  beforeAll(async () => {
    for (const [label, paths] of [['COVID', mixedCovid], ['NonCOVID', mixedNonCovid]] as const) {
      mkdirSync(join(mixed, label), { recursive: true });
      for (const path of paths) copyFileSync(path, join(mixed, label, path.split('/').pop()!));
    }
    await saveModelFile(model, net, {
      net: 'light-cnn', inChannels: 1, inputSize: 32, preprocessing: { ...PREPROCESSING, size: 32 },
      classNames: ['NonCOVID', 'COVID'], training: 'untrained (seed 21), for tests',
    });
    await saveModelFile(orientationModel, orientationNet, {
      net: 'light-cnn', inChannels: 1, inputSize: 32, preprocessing: { ...PREPROCESSING, size: 32 },
      classNames: [...QUARTER_TURNS], training: 'untrained orientation net (seed 8), for tests',
    });
    mkdirSync(join(folder, 'COVID'), { recursive: true });
    for (const path of images) copyFileSync(path, join(folder, 'COVID', path.split('/').pop()!));
    writeFileSync(join(folder, 'COVID', 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
  });

  it('--json on a folder of one class prints one object, nulls for the scores that need the other class, and skips the unreadable file by name', async () => {
    const run = await covidCt('eval', '--data', folder, '--model', model, '--backend', 'cpu', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/skipped .*broken\.png: /);
    const result = JSON.parse(run.stdout);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(result)).toEqual(['n', 'accuracy', 'sensitivity', 'specificity', 'precision', 'f1', 'auc', 'confusion']);
    expect(result.n).toBe(5);
    expect(result.specificity).toBeNull();
    expect(result.auc).toBeNull();
    const want = binaryMetrics([1, 1, 1, 1, 1], await direct(images));
    expect(result).toEqual(JSON.parse(JSON.stringify(want)));
    const [[tn, fp], [fn, tp]] = result.confusion;
    expect([tn, fp, fn + tp]).toEqual([0, 0, 5]);
  });

  it('--strict ends at the unreadable file, naming it', async () => {
    const run = await covidCt('eval', '--data', folder, '--model', model, '--backend', 'cpu', '--json', '--strict');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/broken\.png/);
    expect(run.stdout).toBe('');
  });

  it('prints a readable report without --json', async () => {
    const run = await covidCt('eval', '--data', folder, '--model', model, '--backend', 'cpu');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^images {7}5\n/);
    expect(run.stdout).toMatch(/specificity  n\/a\n/);
  });

  it('--robustness --json scores the images as they are, turned, cropped and both, each view made on the decoded image before the model\'s preparation', async () => {
    const plain = JSON.parse((await covidCt('eval', '--data', folder, '--model', model, '--backend', 'cpu', '--json')).stdout);
    const run = await covidCt('eval', '--data', folder, '--model', model, '--backend', 'cpu', '--json', '--robustness');
    expect(run.code, run.stderr).toBe(0);
    const { views } = JSON.parse(run.stdout);
    expect(views.map((v: { view: string }) => v.view)).toEqual(ROBUSTNESS_VIEWS.map((v) => v.name));
    const { view, ...first } = views[0];
    expect(first).toEqual(plain);

    const mixedRun = await covidCt('eval', '--data', mixed, '--model', model, '--backend', 'cpu', '--json', '--robustness');
    expect(mixedRun.code, mixedRun.stderr).toBe(0);
    const rows = JSON.parse(mixedRun.stdout).views;
    for (const [v, sourceView] of ROBUSTNESS_VIEWS.entries()) {
      const want = binaryMetrics(mixedLabels, await direct(mixedImages, (image) => viewImage(image, sourceView)));
      expect(rows[v].confusion).toEqual(want.confusion);
      expect(rows[v].auc).toBeCloseTo(want.auc!, 9);
    }
    expect(new Set(rows.map((r: { auc: number }) => r.auc.toFixed(6))).size).toBeGreaterThan(1); // the views really differ
  });

  it('--tta averages P(COVID) over the four quarter turns', async () => {
    const run = await covidCt('eval', '--data', mixed, '--model', model, '--backend', 'cpu', '--json', '--tta');
    expect(run.code, run.stderr).toBe(0);
    const turned = await Promise.all([0, 1, 2, 3].map((k) => directTurned(mixedImages, k)));
    const want = binaryMetrics(mixedLabels, mixedImages.map((_, i) => turned.reduce((s, p) => s + p[i], 0) / 4));
    const got = JSON.parse(run.stdout);
    expect(got.confusion).toEqual(want.confusion);
    expect(got.auc).toBeCloseTo(want.auc!, 9);
    expect(got.auc).not.toBeCloseTo(binaryMetrics(mixedLabels, turned[0]).auc!, 6); // the turns really change the scores
    expect(run.stderr).toContain(`[4/4] scored original, turned 270°, by ${model} — `);
  });

  it('--upright turns each image back by the turn the orientation net finds before scoring it, and refuses a model that is not one', async () => {
    const run = await covidCt('eval', '--data', mixed, '--model', model, '--backend', 'cpu', '--json', '--upright', orientationModel);
    expect(run.code, run.stderr).toBe(0);
    const n = mixedImages.length;
    const set = { count: n, size: 32, labels: new Float32Array(n), x: new Float32Array(n * 32 * 32) };
    for (const [i, path] of mixedImages.entries()) set.x.set(preprocess(await loadImageFile(path), { size: 32 }), i * 32 * 32);
    const turns = await turnsFromUpright(inferenceNet(orientationNet.spec, orientationNet.backend, await orientationNet.exportWeights()), set, 16);
    const turnedBack = turns.filter((t) => t !== 0).length;
    expect(turnedBack).toBeGreaterThan(0);
    expect(run.stderr).toContain(`--upright: ${turnedBack} of ${n} images (original) turned back upright`);
    const upright = turnedUpright(set, turns);
    const pCovid = [];
    for (let i = 0; i < n; i++) {
      const pass = net.forward(net.backend.tensor([1, 1, 32, 32], upright.x.slice(i * 1024, (i + 1) * 1024)), 'infer');
      pCovid.push(softmaxRows(await pass.logits.read(), 2)[1]);
    }
    const [got, want] = [JSON.parse(run.stdout), binaryMetrics(mixedLabels, pCovid)];
    expect(got.confusion).toEqual(want.confusion);
    expect(got.auc).toBeCloseTo(want.auc!, 9);
    expect(got.auc).not.toBeCloseTo(binaryMetrics(mixedLabels, await direct(mixedImages)).auc!, 6); // turning back really changes the scores

    const notOrientation = await covidCt('eval', '--data', folder, '--model', model, '--backend', 'cpu', '--upright', model);
    expect(notOrientation.code).toBe(1);
    expect(notOrientation.stderr).toContain(`${model}: is not an orientation net: its classes are NonCOVID, COVID`);
  });

  it('says which folder is missing', async () => {
    const run = await covidCt('eval', '--data', join(dir, 'nowhere'), '--model', model, '--backend', 'cpu');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`--data ${join(dir, 'nowhere')}: no such folder`);
  });

  it('refuses an empty --list, which scored every image under --data', async () => {
    const run = await covidCt('eval', '--data', folder, '--list', '', '--model', model, '--backend', 'cpu');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--list is empty: give a split list, or leave the flag out to score every image under --data');
  });
});
