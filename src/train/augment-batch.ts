import type { Random } from '../runtime/random.ts';
import { augment } from './augment.ts';
import { normaliseEach } from './data/normalise.ts';
import type { ImageSet } from './image-set.ts';
import type { AugmentSettings } from './recipe.ts';

/**
 * The training input of one step: the `picked` images of the set, each augmented with its own
 * draws from `rng` in turn, then, for a set the net wants normalised per image, each
 * standardised (augment works on dataset-normalised intensities: see there).
 */
export function augmentBatch(set: ImageSet, picked: readonly number[], channels: number, settings: AugmentSettings, rng: Random): Float32Array {
  const values = channels * set.size * set.size;
  const x = new Float32Array(picked.length * values);
  picked.forEach((image, i) => x.set(augment(set.x.subarray(image * values, (image + 1) * values), channels, set.size, settings, rng), i * values));
  return normaliseEach(x, values, set.normalise ?? 'dataset');
}
