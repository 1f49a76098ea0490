import { fromUnit } from '../src/train/tune-space.ts';

/**
 * A smooth stand-in for the validation error of `tune`'s attempts, at a point of its unit cube
 * (lr, momentum, L2, dropout): lowest, 0.1, at lr 0.01, momentum 0.9, L2 1e-4 and dropout 0.3;
 * about 0.33 on average over the cube.
 */
export function tuneStandIn(x: readonly number[]): number {
  const h = fromUnit(x);
  return 0.1 + 0.05 * (Math.log10(h.lr) + 2) ** 2 + 2 * (h.momentum - 0.9) ** 2 + 0.02 * (Math.log10(h.l2) + 4) ** 2 + 1.5 * (h.dropout - 0.3) ** 2;
}
