import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COVID_CT_ROOT } from '../data/data-paths.ts';
import { covidCt, splitHead, tempDir } from './cli.ts';

const dir = tempDir('fit-');

// The per-op gradient checks cannot catch a training path that composes right ops wrongly; a net
// that cannot fit eight slices with nothing holding it back can.
describe('light-cnn fits its training slices when nothing holds it back (cpu)', () => {
  it('scores 8 of 8 in inference mode, its loss a tenth of the first epoch’s or less', async () => {
    const list = join(dir, 'train-8.txt');
    writeFileSync(list, splitHead('train', 4).join('\n'));
    const log = join(dir, 'fit.jsonl');
    // validated on the training slices themselves: the validation score is the inference-mode fit
    const run = await covidCt('train', '--data', `${COVID_CT_ROOT}/images`, '--train-list', list, '--val-list', list, '--size', '32', '--batch', '4',
      '--backend', 'cpu', '--recipe', 'paper-unaugmented', '--l2', '0', '--dropout', '0', '--epochs', '12',
      '--out', join(dir, 'fit.safetensors'), '--checkpoint-dir', join(dir, 'checkpoints'), '--log', log);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('--val-list is the training list: validation scores the fit, not unseen slices');
    const epochs = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(epochs.slice(-4).map((e) => e.valAccuracy)).toEqual([1, 1, 1, 1]);
    expect(epochs.at(-1).valLoss).toBeLessThan(epochs[0].valLoss / 10);
    expect(epochs.at(-1).valLoss).toBeLessThan(0.05);
  });
});
