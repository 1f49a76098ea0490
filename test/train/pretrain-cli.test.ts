import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights } from '../../src/nets/init.ts';
import { decodeSafetensors } from '../../src/nets/safetensors.ts';
import { COVID_CT_ROOT } from '../data/data-paths.ts';
import { covidCt, tempDir, TINY_RUN, type CliResult } from './cli.ts';

const dir = tempDir('pretrain-cli-');
const pretrained = join(dir, 'pretrained.safetensors');
const read = (path: string) => decodeSafetensors(readFileSync(path), path);
const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
let run: CliResult;

describe('covid-ct pretrain, 1 epoch at 32 × 32 on the first 4 slices of each class of train and val (cpu)', () => {
  beforeAll(async () => {
    run = await covidCt('pretrain', ...TINY_RUN, '--epochs', '1', '--out', pretrained, '--checkpoint-dir', join(dir, 'ck-pretrain'));
  });

  it('writes a light-cnn with a 4-way rotation classifier, saying it is a rotation-pretrained trunk', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('16 images, labels unused');
    expect(run.stderr).toMatch(/\[4\/4\] epoch 1 step 4\/4 loss \d+\.\d+ — \d+ s elapsed, ETA 0 s/);
    expect(run.stdout).toMatch(new RegExp(`^${pretrained}: rotation-pretrained light-cnn trunk, 1 epochs, loss \\d+\\.\\d+, rotation accuracy 0\\.\\d+`));
    const { tensors, metadata } = read(pretrained);
    expect(tensors.get('fc.weight')!.shape).toEqual([4, 320]);
    expect(tensors.get('fc.bias')!.shape).toEqual([4]);
    expect(metadata.net).toBe('light-cnn');
    expect(JSON.parse(metadata.classNames)).toEqual(['0°', '90°', '180°', '270°']);
    const training = JSON.parse(metadata.training);
    expect(training.pretext).toContain('rotation-pretrained trunk');
    expect(training).toMatchObject({ size: 32, epochs: 1, batch: 4, seed: 1, limit: 4, images: 16, recipe: 'rotation-pretext', trainList: `${COVID_CT_ROOT}/splits/train.txt`, valList: `${COVID_CT_ROOT}/splits/val.txt` });
    expect(training.log.length).toBe(1);
  });

  it('train --init starts every trunk layer from it and the classifier fresh, and records the file', async () => {
    const model = join(dir, 'init.safetensors');
    // a learning rate of 1e-30 moves no weight by more than 1e-30 × its gradient: the trained model shows where each weight started
    const trained = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--epochs', '1', '--lr', '1e-30', '--momentum', '0', '--l2', '0', '--init', pretrained, '--out', model, '--checkpoint-dir', join(dir, 'ck'));
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(new RegExp(`--init ${pretrained}: took conv1, fire2.squeeze, fire2.bn, fire2.expand1x1, fire2.expand3x3, fire3.squeeze, .*, fire9.expand3x3, upsample, weighted_sum; fresh: fc\\n`));
    const start = read(pretrained).tensors;
    const { tensors, metadata } = read(model);
    expect(JSON.parse(metadata.training).init).toBe(pretrained);
    const fresh = initialWeights(buildNet('light-cnn', { size: 32 }), 1);
    for (const [name, t] of tensors) {
      if (name.endsWith('running_mean') || name.endsWith('running_var')) continue; // updated by the forward passes
      expect(maxDifference(t.data, name.startsWith('fc.') ? fresh.get(name)! : start.get(name)!.data), name).toBeLessThan(1e-20);
    }
    // the pretrained classifier's first two rows moved away from the same seed's start: the check above tells them apart
    expect(maxDifference(tensors.get('fc.weight')!.data, start.get('fc.weight')!.data.subarray(0, 640))).toBeGreaterThan(1e-3);
  });

  it('train --resume needs the same --init, and then goes on without reading it again', async () => {
    const args = ['train', ...TINY_RUN, '--recipe', 'paper', '--out', join(dir, 'resumed.safetensors'), '--checkpoint-dir', join(dir, 'ck-resume')];
    expect((await covidCt(...args, '--epochs', '1', '--init', pretrained)).code).toBe(0);
    const without = await covidCt(...args, '--epochs', '2', '--resume');
    expect(without.code).toBe(1);
    expect(without.stderr).toContain(`init ${JSON.stringify(pretrained)} (checkpoint) vs undefined (now)`);
    const resumed = await covidCt(...args, '--epochs', '2', '--resume', '--init', pretrained);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toContain('--init');
    expect(resumed.stderr).toContain('resuming after epoch 1');
  });

  it('train --init with a file of another net fails naming the file and both nets', async () => {
    const bad = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--net', 'squeezenet', '--epochs', '1', '--init', pretrained, '--out', join(dir, 'bad.safetensors'), '--checkpoint-dir', join(dir, 'ck-bad'));
    expect(bad.code).toBe(1);
    expect(bad.stderr.startsWith(`covid-ct: ${pretrained}: holds a light-cnn, not a squeezenet`), bad.stderr).toBe(true);
  });

  it('cv --init starts every fold from it and records the file in the settings', async () => {
    const outDir = join(dir, 'cv');
    const cv = await covidCt('cv', '--data', COVID_CT_ROOT, '--limit', '3', '--folds', '2', '--size', '32', '--batch', '4', '--backend', 'cpu', '--epochs', '1', '--init', pretrained, '--out-dir', outDir);
    expect(cv.code, cv.stderr).toBe(0);
    expect(cv.stderr).toContain(`--init ${pretrained}: took conv1,`);
    expect(JSON.parse(readFileSync(join(outDir, 'cv.json'), 'utf8')).settings.init).toBe(pretrained);
  });
});

describe('covid-ct pretrain --pretext contrastive, 1 epoch at 32 × 32 on the first 4 slices of each class (cpu)', () => {
  const contrastive = join(dir, 'contrastive.safetensors');
  const args = ['pretrain', ...TINY_RUN, '--pretext', 'contrastive', '--temperature', '0.3', '--out', contrastive, '--checkpoint-dir', join(dir, 'ck-contrastive')];
  let first: CliResult;
  beforeAll(async () => {
    first = await covidCt(...args, '--epochs', '1');
  });

  it('writes a light-cnn trunk with a 128-wide projection, no dropout, the temperature in its recipe', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('by contrastive learning (NT-Xent, temperature 0.3): 16 images, labels unused');
    expect(first.stdout).toMatch(new RegExp(`^${contrastive}: contrastive-pretrained light-cnn trunk, 1 epochs, loss \\d+\\.\\d+, contrastive accuracy 0\\.\\d+`));
    const { tensors, metadata } = read(contrastive);
    expect(tensors.get('fc.weight')!.shape).toEqual([128, 320]);
    const classNames = JSON.parse(metadata.classNames);
    expect([classNames.length, classNames[0], classNames[127]]).toEqual([128, 'projection 1', 'projection 128']);
    const training = JSON.parse(metadata.training);
    expect(training).toMatchObject({ recipe: 'contrastive-pretext, temperature 0.3', dropout: 0, images: 16, epochs: 1 });
    expect(training.pretext).toContain('contrastive-pretrained trunk for --init');
  });

  it('--resume goes on with the same temperature and refuses another', async () => {
    const other = await covidCt(...args.map((a) => (a === '0.3' ? '0.7' : a)), '--epochs', '2', '--resume');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('recipe "contrastive-pretext, temperature 0.3" (checkpoint) vs "contrastive-pretext, temperature 0.7" (now)');
    const resumed = await covidCt(...args, '--epochs', '2', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming after epoch 1');
  });

  it('train --init takes its trunk and starts a fresh classifier', async () => {
    const trained = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--epochs', '1', '--init', contrastive, '--out', join(dir, 'from-contrastive.safetensors'), '--checkpoint-dir', join(dir, 'ck-from-contrastive'));
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(/took conv1, .*, weighted_sum; fresh: fc\n/);
  });

  it.each([
    [['--pretext', 'jigsaw'], '--pretext jigsaw: not a pretext task (rotation, contrastive)'],
    [['--temperature', '0.5'], '--temperature is for --pretext contrastive only'],
    [['--pretext', 'contrastive', '--temperature', '0'], '--temperature'],
    [['--pretext', 'contrastive', '--batch', '1'], '--batch 1: the contrastive pretext needs at least 2 slices a step'],
  ])('refuses %j, naming the flag', async (flags, message) => {
    const bad = await covidCt('pretrain', '--data', COVID_CT_ROOT, '--limit', '1', '--size', '32', '--backend', 'cpu', '--out', join(dir, 'bad.safetensors'), ...flags);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(message);
  });
});

describe('covid-ct pretrain epoch lines', () => {
  it('print the decayed learning rate without float noise (0.1 × 0.8 is 0.08, not 0.08000000000000002)', async () => {
    const run = await covidCt('pretrain', '--data', COVID_CT_ROOT, '--limit', '1', '--size', '32', '--batch', '4', '--backend', 'cpu', '--epochs', '6', '--lr', '0.1', '--out', join(dir, 'lr.safetensors'), '--checkpoint-dir', join(dir, 'ck-lr'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/epoch 5: .*, lr 0\.1, /);
    expect(run.stderr).toMatch(/epoch 6: .*, lr 0\.08, /);
  });
});
