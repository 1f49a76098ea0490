import { CLASS_NAMES } from './data/classes.ts';
import type { Recipe } from './recipe.ts';

/**
 * Class weights for the loss against class imbalance: inverse class frequency, normalised so
 * that the weights average 1 over the training images, w_k = N / (K · n_k) (so Σ_k n_k·w_k = N).
 * The loss is the weighted mean over a batch (Σ w·CE / Σ w), so the normalisation does not
 * change the gradient; what matters is that each class weighs in equally overall. With the
 * data set's 234 NonCOVID and 192 COVID training images: 0.910 and 1.109.
 */
export function inverseFrequencyWeights(labels: ArrayLike<number>): Float32Array {
  const counts = CLASS_NAMES.map((_, k) => Array.prototype.filter.call(labels, (label: number) => label === k).length);
  const missing = CLASS_NAMES.filter((_, k) => counts[k] === 0);
  if (missing.length) throw new Error(`the training images hold no ${missing.join(' or ')} image: training needs both classes`);
  return Float32Array.from(counts, (count) => labels.length / (CLASS_NAMES.length * count));
}

/** The loss's class weights under a recipe: ones where its sampling already draws both classes equally. */
export const recipeClassWeights = (recipe: Recipe, labels: ArrayLike<number>): Float32Array =>
  recipe.sampling === 'white-balanced' ? new Float32Array(CLASS_NAMES.length).fill(1) : inverseFrequencyWeights(labels);
