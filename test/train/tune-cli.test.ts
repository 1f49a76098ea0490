import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/train/tune-log.ts';
import { covidCt, tempDir, TINY_RUN } from './cli.ts';

const dir = tempDir('tune-cli-');
/** 2 + 2 training and 2 + 2 validation images at 32 × 32 (one step of 4 an epoch), 1 epoch an attempt, 2 random attempts before expected improvement. */
const TINY_SEARCH = TINY_RUN.map((arg, i) => (TINY_RUN[i - 1] === '--limit' ? '2' : arg));
const tune = (log: string, ...args: string[]) => covidCt('tune', ...TINY_SEARCH, '--epochs', '1', '--random', '2', '--log', join(dir, log), ...args);
const attempts = (log: string): Attempt[] => readFileSync(join(dir, log), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const withoutSeconds = (list: Attempt[]) => list.map((a) => ({ ...a, seconds: 0 }));

describe('covid-ct tune at 32 × 32 (cpu)', () => {
  it('runs 3 attempts (2 random, 1 by expected improvement), logs them, and prints the best and its train command', async () => {
    const run = await tune('three.jsonl', '--attempts', '3');
    expect(run.code, run.stderr).toBe(0);
    const log = attempts('three.jsonl');
    expect(log.map((a) => [a.attempt, a.proposedBy])).toEqual([[1, 'random'], [2, 'random'], [3, 'expected improvement']]);
    for (const a of log) {
      expect(Object.keys(a)).toEqual(['attempt', 'proposedBy', 'lr', 'momentum', 'l2', 'dropout', 'valAccuracy', 'val', 'trainLoss', 'diverged', 'seconds', 'settings']);
      expect(Math.log10(a.lr)).toBeGreaterThanOrEqual(-4);
      expect(Math.log10(a.lr)).toBeLessThanOrEqual(-1);
      expect(a.momentum).toBeGreaterThanOrEqual(0.5);
      expect(a.momentum).toBeLessThanOrEqual(0.99);
      expect(Math.log10(a.l2)).toBeGreaterThanOrEqual(-6);
      expect(Math.log10(a.l2)).toBeLessThanOrEqual(-2);
      expect(a.dropout).toBeGreaterThanOrEqual(0);
      expect(a.dropout).toBeLessThanOrEqual(0.7);
      for (const v of [a.lr, a.momentum, a.l2, a.dropout]) expect(Number(v.toPrecision(3))).toBe(v);
      expect(Number.isInteger(a.valAccuracy! * 4)).toBe(true);
      expect(a.val).toMatchObject({ n: 4, accuracy: a.valAccuracy });
      expect(a.trainLoss).toBeGreaterThan(0);
      expect(a.diverged).toBeNull();
      expect(a.seconds).toBeGreaterThan(0);
      expect(a.settings).toMatchObject({ size: 32, epochs: 1, batch: 4, limit: 2, seed: 1, random: 2, lr: null, momentum: null, l2: null, dropout: null });
    }
    expect(new Set(log.map((a) => a.lr)).size).toBe(3);
    expect(new Set(log.map((a) => a.dropout)).size).toBe(3);

    const best = log.reduce((b, a) => (a.valAccuracy! > b.valAccuracy! ? a : b));
    expect(run.stdout).toContain(`best: attempt ${best.attempt} of 3, validation accuracy ${best.valAccuracy!.toFixed(4)} (lr ${best.lr}, momentum ${best.momentum}, l2 ${best.l2}, dropout ${best.dropout})`);
    expect(run.stdout).toContain(
      `train it: covid-ct train --data /work/shared/data/covid-ct --net light-cnn --recipe paper --epochs 1 --size 32 --batch 4 --lr ${best.lr} --momentum ${best.momentum} --l2 ${best.l2} --dropout ${best.dropout} --bn-stats population --seed 1 --limit 2`,
    );
    expect(run.stderr).toMatch(/\[3\/3\] attempt 3\/3 epoch 1 step 1\/1 loss \d+\.\d+ — \d+ s elapsed, ETA 0 s/);
    expect(run.stderr).toMatch(/attempt 3\/3 \(expected improvement\): lr [\d.e-]+, momentum [\d.]+, l2 [\d.e-]+, dropout [\d.]+ → validation accuracy 0\.\d{4}/);
  });

  it('--resume goes on to 4 attempts, as an uninterrupted 4-attempt search does', async () => {
    const resumed = await tune('three.jsonl', '--attempts', '4', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('3 already done');
    expect(resumed.stderr).not.toMatch(/attempt [123]\/4/);
    const straight = await tune('four.jsonl', '--attempts', '4');
    expect(straight.code, straight.stderr).toBe(0);
    const log = attempts('three.jsonl');
    expect(log.length).toBe(4);
    expect(log[3].proposedBy).toBe('expected improvement');
    expect(withoutSeconds(log)).toEqual(withoutSeconds(attempts('four.jsonl')));
  });

  it('--resume goes on with an attempt cut off after epoch 1 of 2 from its checkpoint, to the same score', async () => {
    const straight = await tune('two-epochs.jsonl', '--attempts', '1', '--epochs', '2');
    expect(straight.code, straight.stderr).toBe(0);
    // What a kill during the second epoch of attempt 1 leaves: an empty log and the checkpoint after epoch 1,
    // which a 1-epoch search of the same first attempt also leaves (the epochs are not part of a run's settings).
    const oneEpoch = await tune('one-epoch.jsonl', '--attempts', '1');
    expect(oneEpoch.code, oneEpoch.stderr).toBe(0);
    writeFileSync(join(dir, 'killed.jsonl'), '');
    cpSync(join(dir, 'one-epoch-checkpoint'), join(dir, 'killed-checkpoint'), { recursive: true });
    const resumed = await tune('killed.jsonl', '--attempts', '1', '--epochs', '2', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/epoch 1 step/);
    expect(resumed.stderr).toMatch(/\[1\/1\] attempt 1\/1 epoch 2 step 1\/1/);
    expect(withoutSeconds(attempts('killed.jsonl'))).toEqual(withoutSeconds(attempts('two-epochs.jsonl')));
  });

  it('logs a diverged attempt and takes its steps left out of the progress total; fails when every attempt diverged', async () => {
    // lr 1e30: the loss of epoch 2's one step is NaN, so each attempt runs 1 of its 2 steps
    const run = await tune('blown.jsonl', '--attempts', '2', '--epochs', '2', '--lr', '1e30');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[1\/4\] attempt 1\/2 epoch 1 step 1\/1/);
    expect(run.stderr).toMatch(/\[2\/3\] attempt 2\/2 epoch 1 step 1\/1/);
    expect(run.stderr).toContain(`every one of the 2 attempts diverged: see ${join(dir, 'blown.jsonl')}`);
    expect(attempts('blown.jsonl').map((a) => [a.valAccuracy, a.diverged?.slice(0, 45)])).toEqual([
      [null, 'training stopped: the loss is NaN at epoch 2,'],
      [null, 'training stopped: the loss is NaN at epoch 2,'],
    ]);
  });

  it('refuses to overwrite a log, other settings on --resume, and a damaged log, naming them', async () => {
    const again = await tune('four.jsonl', '--attempts', '4');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${join(dir, 'four.jsonl')} already holds a search: add --resume`);
    const other = await tune('four.jsonl', '--attempts', '5', '--seed', '3', '--resume');
    expect(other.stderr).toContain(`--resume: attempt 1 of ${join(dir, 'four.jsonl')} was made with other settings: seed 1 (log) vs 3 (now)`);
    writeFileSync(join(dir, 'damaged.jsonl'), `${readFileSync(join(dir, 'four.jsonl'), 'utf8').split('\n')[0]}\n{"attempt": 2, "lr"\n`);
    const damaged = await tune('damaged.jsonl', '--attempts', '5', '--resume');
    expect(damaged.stderr).toContain(`${join(dir, 'damaged.jsonl')} line 2 is not JSON`);
    const missing = await tune('nothing.jsonl', '--resume');
    expect(missing.stderr).toContain(`--resume: there is no search log ${join(dir, 'nothing.jsonl')}`);
  });

  it('resumes a log written before dropout was searched as the 3-d search it was (dropout 0.5) with --dropout 0.5, and refuses it without', async () => {
    const fixed = await tune('fixed.jsonl', '--attempts', '2', '--dropout', '0.5');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(attempts('fixed.jsonl').map((a) => [a.dropout, a.settings.dropout])).toEqual([[0.5, 0.5], [0.5, 0.5]]);
    // the same attempts as the search logged them before: no dropout anywhere, and no pinned SGD settings
    const legacy = attempts('fixed.jsonl').map(({ dropout, settings: { dropout: fixedRate, lr, momentum, l2, ...settings }, ...rest }) => JSON.stringify({ ...rest, settings }));
    writeFileSync(join(dir, 'legacy.jsonl'), `${legacy.join('\n')}\n`);
    const searched = await tune('legacy.jsonl', '--attempts', '3', '--resume');
    expect(searched.code).toBe(1);
    expect(searched.stderr).toContain(
      `--resume: attempt 1 of ${join(dir, 'legacy.jsonl')} was made with other settings: dropout 0.5 (log) vs searched (now) (that search pinned what this one searches; go on with it with --dropout 0.5)`,
    );
    for (const log of ['legacy.jsonl', 'fixed.jsonl']) expect((await tune(log, '--attempts', '3', '--resume', '--dropout', '0.5')).code).toBe(0);
    expect(attempts('legacy.jsonl')[2].proposedBy).toBe('expected improvement');
    expect(withoutSeconds(attempts('legacy.jsonl'))).toEqual(withoutSeconds(attempts('fixed.jsonl')));
  });

  it('pins the learning rate and momentum (--lr, --momentum): every attempt has them, and only L2 and dropout are searched', async () => {
    const run = await tune('pinned.jsonl', '--attempts', '3', '--lr', '0.01', '--momentum', '0.9');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('searching l2, dropout (pinned: lr 0.01, momentum 0.9) for light-cnn');
    const log = attempts('pinned.jsonl');
    expect(log.map((a) => [a.lr, a.momentum])).toEqual([[0.01, 0.9], [0.01, 0.9], [0.01, 0.9]]);
    expect(new Set(log.map((a) => a.l2)).size).toBe(3);
    expect(new Set(log.map((a) => a.dropout)).size).toBe(3);
    expect(log[0].settings).toMatchObject({ lr: 0.01, momentum: 0.9, l2: null, dropout: null });
    const unpinned = await tune('pinned.jsonl', '--attempts', '4', '--resume', '--lr', '0.01');
    expect(unpinned.code).toBe(1);
    expect(unpinned.stderr).toContain('momentum 0.9 (log) vs searched (now) (that search pinned what this one searches; go on with it with --momentum 0.9)');
    const bad = await tune('bad-pin.jsonl', '--lr', '0');
    expect(bad.stderr).toContain('--lr must be above 0, got "0"');
    const all = await tune('all-pinned.jsonl', '--lr', '0.01', '--momentum', '0.9', '--l2', '1e-4', '--dropout', '0.5');
    expect(all.code).toBe(1);
    expect(all.stderr).toContain('--lr, --momentum, --l2 and --dropout pin every setting: nothing is left to search');
  });
});
