import type { PretextBatch } from './trainer.ts';

/** The width of the projection the contrastive pretext trains (the net's classifier, dropped by --init); SimCLR's. */
export const PROJECTION_DIMS = 128;

/**
 * SimCLR's batch (Chen et al. 2020): two independent augmentations of each of the `count`
 * images, the first views in rows 0…count − 1 and the second in the rows after; each row's
 * label is the row of its pair, the loss NT-Xent at `temperature`.
 */
export function contrastiveBatch(augment: () => Float32Array, count: number, temperature: number): PretextBatch {
  const first = augment();
  const x = new Float32Array(2 * first.length);
  x.set(first);
  x.set(augment(), first.length);
  return { x, labels: Float32Array.from({ length: 2 * count }, (_, i) => (i + count) % (2 * count)), loss: { contrastive: { temperature } } };
}
