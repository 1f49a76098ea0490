import type { Random } from '../runtime/random.ts';

/** The pretext task's classes: the image as it is, and turned 90°, 180° and 270° counter-clockwise as displayed. */
export const QUARTER_TURNS = ['0°', '90°', '180°', '270°'] as const;

/** An image [planes · size · size] (channels, or a batch) turned k quarter turns counter-clockwise as displayed (row 0 on top): one turn is out[y][x] = in[x][size − 1 − y]. */
export function quarterTurn(image: Float32Array, size: number, k: number): Float32Array {
  let x = image.slice();
  for (let turn = 0; turn < k; turn++) {
    const from = x;
    x = from.map((_, i) => from[i - (i % (size * size)) + (i % size) * size + size - 1 - (Math.floor(i / size) % size)]);
  }
  return x;
}

/** The `count` images of x, each turned by its own k (uniform in 0–3, drawn from rng in image order); the labels are the ks. */
export function rotationBatch(x: Float32Array, count: number, size: number, rng: Random): { x: Float32Array; labels: Float32Array } {
  const values = x.length / count;
  const turned = new Float32Array(x.length);
  const labels = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.int(QUARTER_TURNS.length);
    turned.set(quarterTurn(x.subarray(i * values, (i + 1) * values), size, labels[i]), i * values);
  }
  return { x: turned, labels };
}
