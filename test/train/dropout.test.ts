import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { loadModelFile } from '../../src/nets/model-file.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { readCvResults } from '../../src/train/cv-results.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { covidCt, tempDir, TINY_RUN } from './cli.ts';

const dir = tempDir('dropout-');
const rateOf = (name: string, options: { dropout?: number } = {}) => {
  const node = buildNet(name, { size: 32, ...options }).nodes.find((n) => n.op === 'dropout')!;
  return (node.attrs as (mode: string, seed: number) => { p: number })('train', 1).p;
};

describe('the dropout rate, a training setting', () => {
  it('is a net-building option, 0.5 unless told, for light-cnn and both squeezenets; outside [0, 1) refused', () => {
    for (const name of ['light-cnn', 'squeezenet', 'squeezenet-bypass']) {
      expect(rateOf(name)).toBe(0.5);
      expect(rateOf(name, { dropout: 0.2 })).toBe(0.2);
      expect(rateOf(name, { dropout: 0 })).toBe(0);
    }
    expect(() => buildNet('light-cnn', { dropout: 1 })).toThrow('dropout must be in [0, 1), got 1');
    expect(() => buildNet('light-cnn', { dropout: -0.1 })).toThrow('dropout must be in [0, 1), got -0.1');
  });

  it('leaves inference alone: the same weights give the same logits bit for bit at any rate, while training passes differ', async () => {
    const x = new Random(3).normals(2 * 32 * 32);
    const logits = async (dropout: number, mode: 'infer' | 'train') => {
      const spec = buildNet('light-cnn', { size: 32, dropout });
      const net = netFromWeights(spec, new CpuBackend(), initialWeights(buildNet('light-cnn', { size: 32 }), 4));
      const pass = net.forward(net.backend.tensor([2, 1, 32, 32], x), mode, { seed: 7 });
      const out = await pass.logits.read();
      net.release(pass);
      net.dispose();
      return Buffer.from(out.buffer);
    };
    const half = await logits(0.5, 'infer');
    expect((await logits(0, 'infer')).equals(half)).toBe(true);
    expect((await logits(0.7, 'infer')).equals(half)).toBe(true);
    expect((await logits(0.2, 'train')).equals(await logits(0.5, 'train'))).toBe(false);
  });

  it('reads checkpoints and cross-validation results written before it existed as 0.5', async () => {
    const spec = buildNet('light-cnn', { size: 32 });
    const settings = { net: 'light-cnn', size: 32, seed: 1, batch: 4, recipe: 'paper', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, root: '/d', trainList: null, valList: null, limit: null };
    const state = { settings, epoch: 1, best: null, log: [], seconds: 1 } as never;
    mkdirSync(join(dir, 'old'));
    await saveCheckpoint(join(dir, 'old'), spec, { state, weights: initialWeights(spec, 1), velocities: new Map(), bestWeights: new Map() });
    expect((await loadCheckpoint(join(dir, 'old'))).state.settings.dropout).toBe(0.5);
    const cv = join(dir, 'old-cv.json');
    writeFileSync(cv, JSON.stringify({ format: 'covid-ct-cv/1', settings: { net: 'light-cnn', lr: 0.01 }, folds: [] }));
    expect((await readCvResults(cv)).settings).toEqual({ net: 'light-cnn', lr: 0.01, dropout: 0.5, bnStatistics: 'moving' });
  });
});

describe('covid-ct train --dropout (cpu, 32 × 32)', () => {
  const model = join(dir, 'd.safetensors');
  const run = (...args: string[]) => covidCt('train', ...TINY_RUN, '--recipe', 'paper', '--out', model, '--checkpoint-dir', join(dir, 'd'), ...args);

  it('records the rate in the checkpoint and the model, which predict uses as any other', async () => {
    const trained = await run('--epochs', '1', '--dropout', '0.3');
    expect(trained.code, trained.stderr).toBe(0);
    expect((await loadCheckpoint(join(dir, 'd'))).state.settings.dropout).toBe(0.3);
    const { meta } = await loadModelFile(model);
    expect(meta.training).toMatchObject({ dropout: 0.3 });
    const predicted = await covidCt('predict', '--model', model, '--backend', 'cpu', '--json', `${COVID_CT_IMAGES}/COVID/2020.01.24.919183-p27-132.png`);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(JSON.parse(predicted.stdout)[0].pCovid).toBeGreaterThan(0);
  });

  it('--resume refuses another rate, the default included, and goes on with the same', async () => {
    const other = await run('--epochs', '2', '--resume');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('dropout 0.3 (checkpoint) vs 0.5 (now)');
    const same = await run('--epochs', '2', '--resume', '--dropout', '0.3');
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain('resuming after epoch 1');
  });

  it('names the flag at fault', async () => {
    const bad = await run('--dropout', '1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--dropout must be below 1, got "1"');
    expect(readFileSync(join(dir, 'd', 'checkpoint.safetensors')).length).toBeGreaterThan(0);
  });
});
