import type { Random } from '../runtime/random.ts';

/** The pretext task's classes: the image as it is, and turned 90°, 180° and 270° counter-clockwise as displayed. */
export const QUARTER_TURNS = ['0°', '90°', '180°', '270°'] as const;

/** An image [planes · size · size] (channels, or a batch) turned k quarter turns counter-clockwise as displayed (row 0 on top): one turn is out[y][x] = in[x][size − 1 − y]. */
export function quarterTurn(image: Float32Array, size: number, k: number): Float32Array {
  const turns = ((k % 4) + 4) % 4;
  if (turns === 0) return image.slice();
  const last = size - 1;
  const out = new Float32Array(image.length);
  for (let plane = 0; plane < image.length; plane += size * size) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const from = turns === 1 ? x * size + last - y : turns === 2 ? (last - y) * size + last - x : (last - x) * size + y;
        out[plane + y * size + x] = image[plane + from];
      }
    }
  }
  return out;
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
