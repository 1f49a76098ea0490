import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { covidCt, tempDir, TINY_RUN } from './cli.ts';

const dir = tempDir('diverge-');

describe('a NaN or infinite loss stops training (cpu)', () => {
  it('names the epoch and step, writes no model, and leaves no checkpoint when no epoch completed', async () => {
    // 2 steps an epoch: the first step's update at lr 1e30 makes the second step's loss NaN
    const out = join(dir, 'blown.safetensors');
    const run = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--epochs', '2', '--lr', '1e30', '--out', out, '--checkpoint-dir', join(dir, 'blown'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/training stopped: the loss is (NaN|-?Infinity) at epoch 1, step 2 of 2 \(learning rate 1e\+30\); no epoch had completed/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'blown', 'checkpoint.safetensors'))).toBe(false);
  });

  it('keeps the checkpoint of the last epoch whose losses were finite', async () => {
    // One step an epoch at lr 3: the weights grow every step until a loss overflows, a few epochs in.
    const out = join(dir, 'drifting.safetensors');
    const checkpoints = join(dir, 'drifting');
    const limitTwo = TINY_RUN.map((arg, i) => (TINY_RUN[i - 1] === '--limit' ? '2' : arg));
    const run = await covidCt('train', ...limitTwo, '--recipe', 'paper', '--epochs', '8', '--lr', '3', '--out', out, '--checkpoint-dir', checkpoints);
    expect(run.code).toBe(1);
    const stopped = /training stopped: the (?:validation )?loss is (?:NaN|-?Infinity) (?:at|after) epoch (\d+)/.exec(run.stderr);
    expect(stopped, run.stderr).not.toBeNull();
    const epoch = Number(stopped![1]);
    expect(epoch).toBeGreaterThan(1);
    expect(run.stderr).toContain(`the checkpoint after epoch ${epoch - 1} is kept in ${join(checkpoints, 'checkpoint.safetensors')}`);
    const checkpoint = await loadCheckpoint(checkpoints);
    expect(checkpoint.state.epoch).toBe(epoch - 1);
    for (const line of checkpoint.state.log) expect(Number.isFinite(line.loss) && Number.isFinite(line.valLoss)).toBe(true);
    for (const [name, w] of checkpoint.weights) expect(w.every(Number.isFinite), name).toBe(true);
    expect(existsSync(out)).toBe(false);
  });
});
