import type { Net } from '../nets/net.ts';
import { softmaxRows } from '../runtime/cpu/softmax-cross-entropy.ts';
import { inferLogits } from './evaluate.ts';
import type { ImageSet } from './image-set.ts';
import { QUARTER_TURNS, quarterTurn } from './rotation-batch.ts';

const TURNS = QUARTER_TURNS.length;

/**
 * The quarter turns r (counter-clockwise) an image has from upright, from an orientation net's
 * probabilities p [4 · 4] for the image turned j = 0–3 more quarter turns (row j): turned j more,
 * the image has r + j, so r is the turn that makes the four rows together most likely. Four views
 * outvote a mistake of one.
 */
export function turnFromViews(p: ArrayLike<number>): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let r = 0; r < TURNS; r++) {
    let score = 0;
    for (let j = 0; j < TURNS; j++) score += Math.log(p[j * TURNS + ((r + j) % TURNS)] + 1e-12);
    if (score > bestScore) [best, bestScore] = [r, score];
  }
  return best;
}

/** Each image's quarter turns from upright (turnFromViews) by an orientation net (covid-ct pretrain --pretext rotation): four passes an image, `batch` images at a time. */
export async function turnsFromUpright(net: Net, set: ImageSet, batch: number): Promise<Int32Array> {
  const values = set.x.length / set.count;
  const turns = new Int32Array(set.count);
  for (let start = 0; start < set.count; start += batch) {
    const n = Math.min(batch, set.count - start);
    const x = new Float32Array(n * TURNS * values);
    for (let i = 0; i < n; i++) {
      const image = set.x.subarray((start + i) * values, (start + i + 1) * values);
      for (let j = 0; j < TURNS; j++) x.set(quarterTurn(image, set.size, j), (i * TURNS + j) * values);
    }
    const p = softmaxRows(await inferLogits(net, { ...set, x }, 0, n * TURNS), { rows: n * TURNS, classes: TURNS });
    for (let i = 0; i < n; i++) turns[start + i] = turnFromViews(p.subarray(i * TURNS * TURNS, (i + 1) * TURNS * TURNS));
  }
  return turns;
}

/** An image [planes · size · size] that has `turn` quarter turns from upright, turned back: by 4 − turn more. */
export function uprightImage(image: Float32Array, size: number, turn: number): Float32Array {
  return quarterTurn(image, size, TURNS - turn);
}

/** The set with each image i turned back upright (uprightImage). */
export function turnedUpright(set: ImageSet, turns: Int32Array): ImageSet {
  const values = set.x.length / set.count;
  const x = new Float32Array(set.x.length);
  for (let i = 0; i < set.count; i++) x.set(uprightImage(set.x.subarray(i * values, (i + 1) * values), set.size, turns[i]), i * values);
  return { ...set, x };
}
