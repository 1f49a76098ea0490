import type { Recipe } from './recipe.ts';
import type { TrainingState } from './training-state.ts';

/**
 * The first epoch whose weights join the run's average (stochastic weight averaging, Izmailov
 * et al. 2018): the last recipe.averageLast of `epochs`, or all of them when the run is shorter.
 * Null when the recipe does not average.
 */
export function averageFrom(recipe: Recipe, epochs: number): number | null {
  return recipe.averageLast > 0 ? Math.max(1, epochs - recipe.averageLast + 1) : null;
}

/** Refuses a checkpoint whose average began at another epoch than a run of `epochs` epochs needs. */
export function checkAverageWindow(state: TrainingState, from: number | null, epochs: number): void {
  const saved = state.average;
  if (saved && saved.from !== from) {
    throw new Error(`the checkpoint after epoch ${state.epoch} averages the weights from epoch ${saved.from} on, and a run of ${epochs} epochs would average them from epoch ${from}: an averaged run cannot be lengthened or shortened`);
  }
}

/**
 * Makes `average` the running mean of `count` epochs' weights by adding the latest (`weights`),
 * for the trainable parameters only: the BN statistics of the mean are estimated afresh.
 */
export function addToAverage(average: Map<string, Float32Array>, weights: ReadonlyMap<string, Float32Array>, trainable: readonly string[], count: number): void {
  for (const name of trainable) {
    const latest = weights.get(name)!;
    const mean = average.get(name);
    if (count === 1 || !mean) {
      average.set(name, latest.slice());
      continue;
    }
    for (let i = 0; i < mean.length; i++) mean[i] += (latest[i] - mean[i]) / count;
  }
}
