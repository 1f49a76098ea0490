import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/nets/model-file.ts';
import { loadCheckpoint, type Checkpoint } from '../../src/train/checkpoint.ts';
import { covidCt, tempDir, TINY_RUN } from './cli.ts';

const dir = tempDir('resume-');

async function train(name: string, ...args: string[]) {
  const result = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--out', join(dir, `${name}.safetensors`), '--checkpoint-dir', join(dir, name), '--log', join(dir, `${name}.jsonl`), ...args);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

const withoutSeconds = (log: string) => log.trim().split('\n').map((line) => ({ ...JSON.parse(line), seconds: 0 }));

function expectSameTensors(a: Map<string, Float32Array>, b: Map<string, Float32Array>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [name, values] of a) expect(Buffer.from(b.get(name)!.buffer).equals(Buffer.from(values.buffer)), name).toBe(true);
}

describe('--resume after epoch 1 of 2 (cpu)', () => {
  it('gives bit-identical weights, velocities, best weights, model and log to an uninterrupted run', async () => {
    await train('straight', '--epochs', '2');
    await train('resumed', '--epochs', '1');
    const resumed = await train('resumed', '--epochs', '2', '--resume');
    expect(resumed.stderr).toContain('resuming after epoch 1');
    expect(resumed.stderr).not.toMatch(/epoch 1 step/);

    const [a, b]: Checkpoint[] = await Promise.all([loadCheckpoint(join(dir, 'straight')), loadCheckpoint(join(dir, 'resumed'))]);
    expect(b.state.epoch).toBe(2);
    expect(b.velocities.size).toBeGreaterThan(50);
    expectSameTensors(a.weights, b.weights);
    expectSameTensors(a.velocities, b.velocities);
    expectSameTensors(a.bestWeights, b.bestWeights);
    expect(b.state.best).toEqual(a.state.best);
    const [modelA, modelB] = await Promise.all(['straight', 'resumed'].map((n) => loadModelFile(join(dir, `${n}.safetensors`))));
    expectSameTensors(modelA.weights, modelB.weights);
    expect(withoutSeconds(readFileSync(join(dir, 'resumed.jsonl'), 'utf8'))).toEqual(withoutSeconds(readFileSync(join(dir, 'straight.jsonl'), 'utf8')));
  });

  it('refuses other settings than the checkpoint\'s, naming them', async () => {
    const other = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--epochs', '3', '--lr', '0.02', '--seed', '5', '--resume', '--checkpoint-dir', join(dir, 'straight'));
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('seed 1 (checkpoint) vs 5 (now); lr 0.01 (checkpoint) vs 0.02 (now)');
    const missing = await covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--resume', '--checkpoint-dir', join(dir, 'nothing-here'));
    expect(missing.stderr).toContain(`--resume: there is no checkpoint ${join(dir, 'nothing-here', 'checkpoint.safetensors')}`);
  });
});
