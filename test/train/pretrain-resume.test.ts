import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/nets/model-file.ts';
import { checkpointPath, loadCheckpoint } from '../../src/train/checkpoint.ts';
import { covidCt, tempDir, TINY_RUN } from './cli.ts';

const dir = tempDir('pretrain-resume-');
const args = (name: string) => ['pretrain', ...TINY_RUN, '--out', join(dir, `${name}.safetensors`), '--checkpoint-dir', join(dir, name)];
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function pretrain(name: string, ...more: string[]) {
  const result = await covidCt(...args(name), ...more);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('covid-ct pretrain --resume after epoch 1 of 2 (32 × 32, 16 slices, cpu)', () => {
  it('writes a checkpoint after each epoch, and the resumed run ends with the uninterrupted run\'s bytes', async () => {
    await pretrain('straight', '--epochs', '2');
    await pretrain('resumed', '--epochs', '1');
    const afterOne = await loadCheckpoint(join(dir, 'resumed'));
    expect(afterOne.state.epoch).toBe(1);
    expect(afterOne.state.log.length).toBe(1);
    const written = statSync(checkpointPath(join(dir, 'resumed'))).mtimeMs;
    const resumed = await pretrain('resumed', '--epochs', '2', '--resume');
    expect(resumed.stderr).toContain('16 images, labels unused, resuming after epoch 1');
    expect(resumed.stderr).toMatch(/\[4\/4\] epoch 2 step 4\/4 loss \d+\.\d+ — \d+ s elapsed, ETA 0 s/);
    expect(resumed.stderr).not.toMatch(/epoch 1 step/);
    expect(statSync(checkpointPath(join(dir, 'resumed'))).mtimeMs).toBeGreaterThan(written);

    const [a, b] = await Promise.all(['straight', 'resumed'].map((n) => loadCheckpoint(join(dir, n))));
    expect(b.state.epoch).toBe(2);
    expect(b.velocities.size).toBeGreaterThan(50);
    expect([...b.velocities.keys()]).toEqual([...a.velocities.keys()]);
    for (const [name, v] of a.velocities) expect(bytes(b.velocities.get(name)!).equals(bytes(v)), name).toBe(true);
    const [modelA, modelB] = await Promise.all(['straight', 'resumed'].map((n) => loadModelFile(join(dir, `${n}.safetensors`))));
    expect([...modelB.weights.keys()]).toEqual([...modelA.weights.keys()]);
    for (const [name, w] of modelA.weights) expect(bytes(modelB.weights.get(name)!).equals(bytes(w)), name).toBe(true);
    const withoutSeconds = (log: { seconds: number }[]) => log.map((l) => ({ ...l, seconds: 0 }));
    expect(withoutSeconds(b.state.log)).toEqual(withoutSeconds(a.state.log));
  });

  it('refuses other settings than the checkpoint\'s, naming them, and a missing checkpoint', async () => {
    const other = await covidCt(...args('straight'), '--epochs', '3', '--lr', '0.02', '--seed', '5', '--resume');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`--resume: the checkpoint in ${join(dir, 'straight')} was made with other settings: lr 0.01 (checkpoint) vs 0.02 (now); seed 1 (checkpoint) vs 5 (now)`);
    const oneList = await covidCt(...args('straight'), '--train-list', '/work/shared/data/covid-ct/splits/train.txt', '--epochs', '3', '--resume');
    expect(oneList.stderr).toContain('valList "/work/shared/data/covid-ct/splits/val.txt" (checkpoint) vs null (now)');
    const missing = await covidCt(...args('nothing-here'), '--resume');
    expect(missing.stderr).toContain(`--resume: there is no checkpoint ${join(dir, 'nothing-here', 'checkpoint.safetensors')}`);
  });
});
