/**
 * Host time of one training step's augmentation (augmentBatch: the recipe's random transform of
 * each slice of a batch, then its per-slice normalisation, if any), per recipe and input size, on random images: median and min of --runs
 * runs after one warm-up. In Node this is the loader's code too (scripts/ts-hooks.mjs).
 *   node --import ./scripts/register-loader.mjs bench/augment.ts [--batch 16] [--runs 9] [--sizes 112,224] [--recipes paper,robust]
 */
import { scriptArgs, scriptNumber } from '../src/cli/script-args.ts';
import { Random } from '../src/runtime/random.ts';
import { augmentBatch } from '../src/train/augment-batch.ts';
import { recipeByName } from '../src/train/recipe.ts';
import { median } from './timing.ts';

const { values } = scriptArgs(import.meta.url, { options: { batch: { type: 'string' }, runs: { type: 'string' }, sizes: { type: 'string', default: '112,224' }, recipes: { type: 'string', default: 'paper,robust' } } });
const [batch, runs] = [scriptNumber(import.meta.url, 'batch', values.batch, 16, { integer: true, min: 1 }), scriptNumber(import.meta.url, 'runs', values.runs, 9, { integer: true, min: 1 })];
const picked = Array.from({ length: batch }, (_, i) => i);
const recipes = values.recipes.split(',');
const width = Math.max(6, ...recipes.map((name) => name.length));
console.log(`${'recipe'.padEnd(width)}  size  median ms  min ms`);
for (const size of values.sizes.split(',').map(Number)) {
  const random = new Random(1);
  const x = Float32Array.from({ length: batch * size * size }, () => random.normal());
  for (const name of recipes) {
    const { augment, normalise } = recipeByName(name);
    const set = { count: batch, size, x, labels: new Float32Array(batch), normalise };
    const ms: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const started = performance.now();
      augmentBatch(set, picked, 1, augment, new Random(run));
      if (run > 0) ms.push(performance.now() - started);
    }
    console.log(`${name.padEnd(width)} ${String(size).padStart(5)} ${median(ms).toFixed(1).padStart(10)} ${Math.min(...ms).toFixed(1).padStart(7)}`);
  }
}
