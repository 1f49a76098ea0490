import { describe, expect, it } from 'vitest';
import { cvSelection } from '../../src/cli/cv.ts';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import type { ImageSet } from '../../src/train/image-set.ts';
import { estimatePopulationStatistics } from '../../src/train/population-statistics.ts';
import { DIHEDRAL_RECIPE, recipeByName, type Recipe } from '../../src/train/recipe.ts';
import { Sgd } from '../../src/train/train-step.ts';
import { trainEpochs, type TrainingRun } from '../../src/train/trainer.ts';
import type { Checkpoint } from '../../src/train/checkpoint.ts';
import { addToAverage, averageFrom } from '../../src/train/weight-average.ts';
import { tempDir } from './cli.ts';

const SIZE = 32;
const spec = buildNet('light-cnn', { size: SIZE });
const trainable = spec.params.filter((p) => p.trainable).map((p) => p.name);
const images = (count: number, seed: number): ImageSet => ({ count, size: SIZE, x: new Random(seed).normals(count * SIZE * SIZE), labels: Float32Array.from({ length: count }, (_, i) => i % 2) });
const train = images(8, 5);
const val = images(6, 6);
const averaging: Recipe = { ...DIHEDRAL_RECIPE, name: 'averaging', averageLast: 2 };
const plain: Recipe = { ...averaging, averageLast: 0 };
const settings = { net: 'light-cnn', size: SIZE, seed: 1, batch: 4, recipe: 'averaging', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dropout: 0.5, bnStatistics: 'moving' as const, root: '', trainList: null, valList: null, limit: null };
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i])), 0);
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A run of `recipe` from the seed's weights, or from a checkpoint. */
function startRun(recipe: Recipe, checkpoint?: Checkpoint, withVal = false): TrainingRun {
  const net = netFromWeights(spec, new CpuBackend(), checkpoint?.weights ?? initialWeights(spec, 1));
  const sgd = new Sgd(net);
  if (checkpoint) sgd.importVelocities(checkpoint.velocities);
  return {
    net, sgd, recipe, train, ...(withVal ? { val } : {}), classWeights: Float32Array.of(1, 1),
    state: checkpoint?.state ?? { settings, epoch: 0, best: null, log: [], seconds: 0 },
    bestWeights: new Map(), average: checkpoint?.average ?? new Map(), checkpointDir: tempDir('average-'),
  };
}

describe('weight averaging', () => {
  it('keeps the running mean of the trainable weights and leaves the rest out', () => {
    const w = (v: number) => new Map([['a', Float32Array.of(v, 2 * v)], ['a.running_mean', Float32Array.of(v)]]);
    const average = new Map<string, Float32Array>();
    [1, 2, 6].forEach((v, i) => addToAverage(average, w(v), ['a'], i + 1));
    expect([...average.get('a')!]).toEqual([3, 6]);
    expect(average.has('a.running_mean')).toBe(false);
  });

  it('averages the last averageLast epochs of a run, or all of a shorter one; the other recipes not at all', () => {
    expect(averageFrom(recipeByName('dihedral-swa'), 20)).toBe(11);
    expect(averageFrom(recipeByName('dihedral-lung-box-swa'), 4)).toBe(1);
    expect(averageFrom(recipeByName('dihedral'), 20)).toBeNull();
    expect(recipeByName('dihedral-lung-box-swa').crop).toBe('lung-box');
  });

  it('makes cv say that an averaging recipe\'s folds score the mean of their last epochs, the others their final weights', () => {
    expect(cvSelection(recipeByName('dihedral-swa'), 20)).toBe("no model selection, each fold's mean of its weights after epochs 11–20 is scored");
    expect(cvSelection(recipeByName('dihedral'), 20)).toBe("no model selection, the final epoch's weights of each fold are scored");
  });

  it('ends the run with the mean of its last epochs\' weights and the population statistics of that mean', async () => {
    const reference = startRun(plain);
    const perEpoch: Map<string, Float32Array>[] = [];
    for (const epoch of [1, 2, 3]) {
      await trainEpochs(reference, epoch);
      perEpoch.push(await reference.net.exportWeights());
    }
    const run = startRun(averaging);
    await trainEpochs(run, 3);
    const result = await run.net.exportWeights();
    for (const name of trainable) {
      const [a, b] = [perEpoch[1].get(name)!, perEpoch[2].get(name)!];
      expect(maxDiff(result.get(name)!, a.map((v, i) => (v + b[i]) / 2)), name).toBeLessThan(1e-6);
    }
    expect(Math.max(...trainable.map((n) => maxDiff(result.get(n)!, perEpoch[2].get(n)!)))).toBeGreaterThan(1e-4);
    const fresh = netFromWeights(spec, new CpuBackend(), result);
    estimatePopulationStatistics(fresh, train, 4);
    for (const [name, w] of await fresh.exportWeights()) expect(bits(w).equals(bits(result.get(name)!)), name).toBe(true);
    const saved = await loadCheckpoint(run.checkpointDir);
    expect(saved.state.average).toEqual({ from: 2, count: 2 });
    for (const [name, w] of result) expect(bits(saved.weights.get(name)!).equals(bits(w)), name).toBe(true);
  });

  it('after a kill, goes on to the same average; an ended run cannot be lengthened', async () => {
    const whole = startRun(averaging);
    await trainEpochs(whole, 3);
    const killed = startRun(averaging);
    killed.onEpoch = (line) => {
      if (line.epoch === 2) throw new Error('killed');
    };
    await expect(trainEpochs(killed, 3)).rejects.toThrow('killed');
    const resumed = startRun(averaging, await loadCheckpoint(killed.checkpointDir));
    expect(resumed.state.average).toEqual({ from: 2, count: 1 });
    await trainEpochs(resumed, 3);
    const [want, got] = [await whole.net.exportWeights(), await resumed.net.exportWeights()];
    for (const [name, w] of want) expect(bits(got.get(name)!).equals(bits(w)), name).toBe(true);
    const ended = startRun(averaging, await loadCheckpoint(whole.checkpointDir));
    await expect(trainEpochs(ended, 5)).rejects.toThrow('the checkpoint after epoch 3 averages the weights from epoch 2 on, and a run of 5 epochs would average them from epoch 4: an averaged run cannot be lengthened or shortened');
  });

  it('with validation images, selects no epoch: the average is the result', async () => {
    const run = startRun(averaging, undefined, true);
    await trainEpochs(run, 3);
    expect(run.state.best?.epoch).toBe(3);
    expect(run.state.log.map((l) => l.valAccuracy).every((a) => a !== null)).toBe(true);
    for (const [name, w] of await run.net.exportWeights()) expect(bits(run.bestWeights.get(name)!).equals(bits(w)), name).toBe(true);
  });
});
