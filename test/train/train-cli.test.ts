import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/nets/model-file.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { covidCt, covidCtIn, evalRecordedValidation, splitHead, tempDir, TINY_RUN, type CliResult } from './cli.ts';

const dir = tempDir('train-cli-');
const model = join(dir, 'tiny.safetensors');
const checkpoints = join(dir, 'checkpoints');
const log = join(dir, 'logs', 'tiny.jsonl');
let run: CliResult;

describe('covid-ct train, 2 epochs at 32 × 32 on 8 + 8 images (cpu)', () => {
  beforeAll(async () => {
    run = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--epochs', '2', '--out', model, '--checkpoint-dir', checkpoints, '--log', log);
  });

  it('succeeds, with progress and an ETA on stderr and the model named on stdout', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\[4\/4\] epoch 2 step 2\/2 loss \d+\.\d+ — \d+ s elapsed, ETA 0 s/);
    expect(run.stdout).toMatch(new RegExp(`^${model}: epoch [12] of 2, validation accuracy 0\\.\\d+`));
  });

  it('will not start over its checkpoint without --resume, nor resume it to fewer epochs than it has', async () => {
    const again = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--epochs', '2', '--out', model, '--checkpoint-dir', checkpoints);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${join(checkpoints, 'checkpoint.safetensors')} holds a run: add --resume to go on with it, or give another --checkpoint-dir to start again`);
    const fewer = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--epochs', '1', '--resume', '--out', model, '--checkpoint-dir', checkpoints);
    expect(fewer.code).toBe(1);
    expect(fewer.stderr).toContain(`--epochs 1: the checkpoint in ${checkpoints} is at epoch 2 already`);
  });

  it('writes one parseable JSON line per epoch', () => {
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => l.epoch)).toEqual([1, 2]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['epoch', 'loss', 'accuracy', 'valAccuracy', 'valLoss', 'lr', 'seconds']);
      expect(l.lr).toBe(0.01);
      expect(l.loss).toBeGreaterThan(0);
      expect(l.valLoss).toBeGreaterThan(0);
      expect(l.seconds).toBeGreaterThan(0);
      expect(Number.isInteger(l.accuracy * 8) && Number.isInteger(l.valAccuracy * 8)).toBe(true);
    }
  });

  it('keeps the weights of the best validation accuracy, recorded with the size and how they were trained', async () => {
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const { meta, weights, spec } = await loadModelFile(model);
    const training = meta.training as Record<string, any>;
    const bestAccuracy = Math.max(...lines.map((l) => l.valAccuracy));
    expect(training.bestEpoch).toBe(lines.findIndex((l) => l.valAccuracy === bestAccuracy) + 1);
    expect(training.val.accuracy).toBe(bestAccuracy);
    expect(training).toMatchObject({ seed: 1, epochs: 2, batch: 4, size: 32, limit: 4, lr: 0.01, momentum: 0.9, weightDecay: 1e-4, recipe: 'paper', trainImages: 8, valImages: 8 });
    expect(training.command).toContain('covid-ct train --data');
    expect(Date.parse(training.date)).toBeGreaterThan(Date.parse('2024-01-01'));
    expect(spec.inputShape).toEqual([1, 32, 32]);
    expect(meta.preprocessing).toMatchObject({ size: 32, mean: 0.5967, std: 0.3198 });
    const checkpoint = await loadCheckpoint(checkpoints);
    expect(checkpoint.state.epoch).toBe(2);
    for (const [name, w] of weights) expect(w, name).toEqual(checkpoint.bestWeights.get(name));
  });

  it('writes a model that info and predict accept', async () => {
    const info = await covidCt('info', '--model', model, '--json');
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ net: 'light-cnn', input: [1, 1, 32, 32], parameters: 1271682 });
    const image = `${COVID_CT_IMAGES}/COVID/2020.01.24.919183-p27-132.png`;
    const predict = await covidCt('predict', '--model', model, '--backend', 'cpu', '--json', image);
    expect(predict.code, predict.stderr).toBe(0);
    const [row] = JSON.parse(predict.stdout);
    expect(row.pCovid).toBeGreaterThan(0);
    expect(row.pCovid).toBeLessThan(1);
  });

  it('gives the validation scores it recorded when eval scores the same images', async () => {
    const { evaluated, recorded } = await evalRecordedValidation(model, dir);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toEqual(recorded);
  });

  it('names the flag at fault', async () => {
    const bad = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--epochs', '2.5', '--out', join(dir, 'x.safetensors'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--epochs must be a whole number, got "2.5"');
    const size = await covidCt('train', ...TINY_RUN.slice(0, 4), '--recipe', 'paper', '--size', '40', '--out', join(dir, 'x.safetensors'));
    expect(size.stderr).toContain('--size must be a multiple of 16');
  });

  it('refuses a bad --backend, --out or --init, or splits that share an image, before it reads an image or makes a folder', async () => {
    const never = join(dir, 'never');
    const gpu = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--backend', 'gpu', '--out', join(never, 'x.safetensors'));
    expect(gpu.stderr).toContain('--backend must be webgpu, cpu or auto, got "gpu"');
    const folder = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--out', dir, '--checkpoint-dir', join(never, 'checkpoints'));
    expect(folder.stderr).toContain(`--out ${dir} is a folder: give the file to write`);
    const init = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--init', never, '--out', join(never, 'x.safetensors'));
    expect(init.stderr).toContain(`--init file ${never} does not exist`);
    const lists = join(dir, 'overlapping');
    mkdirSync(lists, { recursive: true });
    const [trainList, valList] = [join(lists, 'train.txt'), join(lists, 'val.txt')];
    writeFileSync(trainList, splitHead('train', 2).join('\n'));
    writeFileSync(valList, [...splitHead('val', 2), splitHead('train', 1)[1]].join('\n'));
    const overlap = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--train-list', trainList, '--val-list', valList, '--out', join(never, 'x.safetensors'));
    expect(overlap.stderr).toContain(`${join(COVID_CT_IMAGES, splitHead('train', 1)[1])} is in both ${trainList} and ${valList}: it would be trained on and scored on`);
    for (const r of [gpu, folder, init, overlap]) {
      expect(r.code).toBe(1);
      expect(r.stderr).not.toContain('training images:');
    }
    expect(existsSync(never)).toBe(false);
  });
});

describe('covid-ct train without --out or --recipe', () => {
  it("trains the shipped model's recipe to runs/NET.safetensors, an ensemble to runs/NET-A and NET-B, checkpoints under checkpoints/, never the shipped models/ file", async () => {
    const cwd = tempDir('train-default-out-');
    const trained = await covidCtIn(cwd, 'train', ...TINY_RUN, '--epochs', '1');
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/^runs\/light-cnn\.safetensors: epoch 1 of 1/);
    expect((await loadModelFile(join(cwd, 'runs', 'light-cnn.safetensors'))).meta.training).toMatchObject({ recipe: 'dihedral' });
    const pair = await covidCtIn(cwd, 'train', ...TINY_RUN, '--recipe', 'dihedral+dihedral-lung-box', '--epochs', '1');
    expect(pair.code, pair.stderr).toBe(0);
    expect(pair.stdout).toMatch(/^runs\/light-cnn-dihedral\.safetensors: epoch 1 of 1, .*\nruns\/light-cnn-dihedral-lung-box\.safetensors: epoch 1 of 1, .*\nan ensemble of 2: --model runs\/light-cnn-dihedral\.safetensors,runs\/light-cnn-dihedral-lung-box\.safetensors\n$/);
    expect(readdirSync(cwd).sort()).toEqual(['checkpoints', 'runs']);
    expect(readdirSync(join(cwd, 'runs')).sort()).toEqual(['light-cnn-dihedral-lung-box.safetensors', 'light-cnn-dihedral.safetensors', 'light-cnn.safetensors']);
    expect(readdirSync(join(cwd, 'checkpoints')).sort()).toEqual(['light-cnn', 'light-cnn-dihedral', 'light-cnn-dihedral-lung-box']);
  });
});

describe('covid-ct train --recipe robust-balanced, 1 epoch at 32 × 32 (cpu)', () => {
  it('trains on white-balanced draws and records the recipe', async () => {
    const balanced = join(dir, 'balanced.safetensors');
    const trained = await covidCt('train', ...TINY_RUN, '--epochs', '1', '--recipe', 'robust-balanced', '--out', balanced, '--checkpoint-dir', join(dir, 'balanced'));
    expect(trained.code, trained.stderr).toBe(0);
    const { meta } = await loadModelFile(balanced);
    expect(meta.training).toMatchObject({ recipe: 'robust-balanced' });
    const [epoch] = (await loadCheckpoint(join(dir, 'balanced'))).state.log;
    expect(Number.isFinite(epoch.loss)).toBe(true);
    // Here robust differs from it only in the draws (both weigh these 4 + 4 slices 1 : 1), so the same run under robust ends elsewhere.
    const robust = join(dir, 'robust.safetensors');
    expect((await covidCt('train', ...TINY_RUN, '--epochs', '1', '--recipe', 'robust', '--out', robust, '--checkpoint-dir', join(dir, 'robust'))).code).toBe(0);
    const [a, b] = await Promise.all([balanced, robust].map(loadModelFile));
    expect(a.weights.get('conv1.weight')).not.toEqual(b.weights.get('conv1.weight'));
  });
});

describe('covid-ct train --recipe A+B: an ensemble, one model per recipe (1 epoch at 32 × 32, cpu)', () => {
  it('trains each member as its own recipe\'s run would, to OUT-A, OUT-B with their own checkpoints and logs, resumes a kill between them, and refuses a member\'s old run up front', async () => {
    const ensembleDir = join(dir, 'ensemble');
    const args = [...TINY_RUN, '--epochs', '1', '--recipe', 'paper+dihedral-lung-box', '--out', join(ensembleDir, 'pair.safetensors'), '--checkpoint-dir', join(ensembleDir, 'ck'), '--log', join(ensembleDir, 'pair.jsonl')];
    const [pair, single] = await Promise.all([
      covidCt('train', ...args),
      covidCt('train', ...TINY_RUN, '--epochs', '1', '--recipe', 'dihedral-lung-box', '--out', join(dir, 'single-lung-box.safetensors'), '--checkpoint-dir', join(dir, 'ck-single-lung-box')),
    ]);
    expect([pair.code, single.code], pair.stderr + single.stderr).toEqual([0, 0]);
    expect(pair.stderr).toMatch(/ensemble member 1 of 2: recipe paper\n[^]*ensemble member 2 of 2: recipe dihedral-lung-box\n/);
    expect(readdirSync(ensembleDir).sort()).toEqual(['ck', 'pair-dihedral-lung-box.jsonl', 'pair-dihedral-lung-box.safetensors', 'pair-paper.jsonl', 'pair-paper.safetensors']);
    expect(readdirSync(join(ensembleDir, 'ck')).sort()).toEqual(['dihedral-lung-box', 'paper']);
    const member = await loadModelFile(join(ensembleDir, 'pair-dihedral-lung-box.safetensors'));
    const alone = await loadModelFile(join(dir, 'single-lung-box.safetensors'));
    expect(member.meta.preprocessing).toMatchObject({ crop: 'lung-box' });
    expect((member.meta.training as { recipe: string }).recipe).toBe('dihedral-lung-box');
    for (const [name, values] of alone.weights) expect(member.weights.get(name), name).toEqual(values);

    // Killed before the second member began: --resume finishes the first (nothing left) and trains the second.
    rmSync(join(ensembleDir, 'ck', 'dihedral-lung-box'), { recursive: true });
    rmSync(join(ensembleDir, 'pair-dihedral-lung-box.safetensors'));
    const resumed = await covidCt('train', ...args, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await loadModelFile(join(ensembleDir, 'pair-dihedral-lung-box.safetensors'))).weights).toEqual(member.weights);

    // Without --resume a later member's run is refused before the first member trains.
    rmSync(join(ensembleDir, 'ck', 'paper'), { recursive: true });
    const refused = await covidCt('train', ...args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${join(ensembleDir, 'ck', 'dihedral-lung-box', 'checkpoint.safetensors')} holds a run: add --resume`);
    expect(existsSync(join(ensembleDir, 'ck', 'paper'))).toBe(false);
  });
});
