import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bnStatsFlag } from '../../src/cli/bn-stats-flag.ts';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { readCvResults } from '../../src/train/cv-results.ts';
import type { ImageSet } from '../../src/train/image-set.ts';
import { estimatePopulationStatistics, type BnStatistics } from '../../src/train/population-statistics.ts';
import { PAPER_RECIPE } from '../../src/train/recipe.ts';
import { trainUnselected } from '../../src/train/train-unselected.ts';
import { relErr } from '../harness/net-compare.ts';
import { webgpuForTests } from '../harness/webgpu.ts';
import { tempDir } from './cli.ts';

const SIZE = 32;
const spec = buildNet('light-cnn', { size: SIZE });
const images = (count: number): ImageSet => ({ count, size: SIZE, x: new Random(5).normals(count * SIZE * SIZE), labels: Float32Array.from({ length: count }, (_, i) => i % 2) });
const isStatistic = (name: string) => name.includes('.running_');
const dir = tempDir('population-');

/** The weights of seed 3 after estimating the population statistics of `set` `batch` images at a time, from the initial statistics or from made-up ones. */
async function estimated(set: ImageSet, batch: number, madeUp = false, backend: Backend = new CpuBackend()): Promise<Map<string, Float32Array>> {
  const weights = initialWeights(spec, 3);
  if (madeUp) for (const [name, w] of weights) if (isStatistic(name)) w.fill(name.endsWith('var') ? 7 : -3);
  const net = netFromWeights(spec, backend, weights);
  estimatePopulationStatistics(net, set, batch);
  const out = await net.exportWeights();
  net.dispose();
  return out;
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('population statistics of the BN layers', () => {
  it('replace whatever the layers held and leave every trainable weight as it was', async () => {
    const set = images(7);
    const [fromInitial, fromMadeUp] = [await estimated(set, 3), await estimated(set, 3, true)];
    const initial = initialWeights(spec, 3);
    const statistics = [...fromInitial.keys()].filter(isStatistic);
    expect(statistics).toHaveLength(16);
    for (const name of statistics) expect(bits(fromMadeUp.get(name)!).equals(bits(fromInitial.get(name)!)), name).toBe(true);
    for (const name of statistics.filter((n) => n.endsWith('mean'))) expect(Math.max(...fromInitial.get(name)!.map(Math.abs)), name).toBeGreaterThan(1e-3);
    for (const [name, w] of initial) if (!isStatistic(name)) expect(bits(fromInitial.get(name)!).equals(bits(w)), name).toBe(true);
  });

  it('weigh each batch by its size: the first layer sees the same values however they are batched, so its mean is the mean over every image', async () => {
    const set = images(7);
    const [inThrees, inOne] = [await estimated(set, 3), await estimated(set, 7)]; // batches of 3, 3 and 1
    const [a, b] = [inThrees.get('fire2.bn.running_mean')!, inOne.get('fire2.bn.running_mean')!];
    for (let c = 0; c < a.length; c++) expect(a[c]).toBeCloseTo(b[c], 5);
  });

  it('take the variance of the whole set, not only within batches, when the set is sorted by class (as split lists are)', async () => {
    // 32 dark images, then 32 bright ones: batches of 8 in that order would each hold one kind and miss the difference between them.
    const sorted = images(64);
    for (let i = 32 * SIZE * SIZE; i < sorted.x.length; i++) sorted.x[i] += 3;
    const [batched, whole] = [await estimated(sorted, 8), await estimated(sorted, 64)];
    const [got, exact] = [batched.get('fire2.bn.running_var')!, whole.get('fire2.bn.running_var')!];
    const ratios = Array.from(exact, (v, c) => got[c] / v);
    const meanRatio = ratios.reduce((s, r) => s + r, 0) / ratios.length;
    expect(meanRatio).toBeGreaterThan(0.9);
    expect(meanRatio).toBeLessThan(1.1);
  });

  it('on webgpu: the same statistics as on the cpu, within 1e-3', async () => {
    const gpu = await webgpuForTests();
    const set = images(7);
    const [onGpu, onCpu] = [await estimated(set, 3, true, gpu), await estimated(set, 3)];
    gpu.dispose();
    for (const [name, want] of onCpu) if (isStatistic(name)) expect(relErr(onGpu.get(name)!, want), name).toBeLessThan(1e-3);
  });

  it('in training: the trainable weights follow the same path, and the last epoch ends with the statistics of the final weights', async () => {
    const train = images(8);
    const run = async (bnStatistics: BnStatistics) => {
      const settings = { net: 'light-cnn', size: SIZE, seed: 1, batch: 4, recipe: 'paper', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dropout: 0.5, bnStatistics, root: '', trainList: null, valList: null, limit: null };
      const { net } = await trainUnselected({ spec, backend: new CpuBackend(), recipe: PAPER_RECIPE, settings, epochs: 2, train, checkpointDir: join(dir, bnStatistics), checkpoint: null });
      return net;
    };
    const [moving, population] = [await run('moving'), await run('population')];
    const populationWeights = await population.exportWeights();
    const movingWeights = await moving.exportWeights();
    for (const [name, w] of movingWeights) if (!isStatistic(name)) expect(bits(populationWeights.get(name)!).equals(bits(w)), name).toBe(true);
    expect(bits(populationWeights.get('fire9.bn.running_var')!).equals(bits(movingWeights.get('fire9.bn.running_var')!))).toBe(false);
    estimatePopulationStatistics(moving, train, 4);
    for (const [name, w] of await moving.exportWeights()) expect(bits(populationWeights.get(name)!).equals(bits(w)), name).toBe(true);
    expect((await loadCheckpoint(join(dir, 'population'))).state.settings.bnStatistics).toBe('population');
  });

  it('are named by --bn-stats, population unless given; checkpoints and results files from before it read as moving', async () => {
    expect(bnStatsFlag(undefined)).toBe('population');
    expect(bnStatsFlag('moving')).toBe('moving');
    expect(() => bnStatsFlag('exact')).toThrow('--bn-stats must be moving or population, got "exact"');
    const settings = { net: 'light-cnn', size: SIZE, seed: 1, batch: 4, recipe: 'paper', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dropout: 0.5, root: '/d', trainList: null, valList: null, limit: null };
    mkdirSync(join(dir, 'old'));
    await saveCheckpoint(join(dir, 'old'), spec, { state: { settings, epoch: 1, best: null, log: [], seconds: 1 } as never, weights: initialWeights(spec, 1), velocities: new Map(), bestWeights: new Map() });
    expect((await loadCheckpoint(join(dir, 'old'))).state.settings.bnStatistics).toBe('moving');
    writeFileSync(join(dir, 'old-cv.json'), JSON.stringify({ format: 'covid-ct-cv/1', settings: { net: 'light-cnn', dropout: 0.5 }, folds: [] }));
    expect((await readCvResults(join(dir, 'old-cv.json'))).settings.bnStatistics).toBe('moving');
  });
});
