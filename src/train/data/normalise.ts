/**
 * How the net's input intensities are scaled. 'dataset': (v − mean) / std with the training
 * images' constants (PREPROCESSING); 'image': then each image standardised by its own mean and
 * std, so a slice's brightness and contrast (another scanner's window) no longer reach the net;
 * 'rank': instead each value replaced by its rank in the image (rankEqualise), so no monotone
 * change of the intensities (window, level, gamma) does.
 */
export const NORMALISATIONS = ['dataset', 'image', 'rank'] as const;
export type Normalise = (typeof NORMALISATIONS)[number];

/**
 * Below this std (in dataset-normalised units: 1e-6 · 0.3198 of the [0, 1] range, far below
 * one grey level of 16 bits) an image counts as flat; resizing a constant image can leave
 * float rounding differences that standardising would blow up to ±1.
 */
const FLAT_STD = 1e-6;

/**
 * Standardises `values` in place to mean 0 and (population) std 1, in float64 sums. A flat
 * image has nothing to scale: it becomes all zeros, the mean of any standardised image.
 * Affine-invariant: standardising a·v + b (a > 0) gives the same as standardising v, up to rounding.
 */
export function standardise(values: Float32Array): Float32Array {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  const std = Math.sqrt(squares / values.length);
  if (std < FLAT_STD) return values.fill(0);
  for (let i = 0; i < values.length; i++) values[i] = (values[i] - mean) / std;
  return values;
}

/** Each consecutive block of `values` numbers of x (one image each, dataset-normalised) normalised in place as `mode` says. */
export function normaliseEach(x: Float32Array, values: number, mode: Normalise): Float32Array {
  if (mode === 'dataset') return x;
  for (let start = 0; start < x.length; start += values) (mode === 'image' ? standardise : rankEqualise)(x.subarray(start, start + values));
  return x;
}

/**
 * Histogram equalisation: each value replaced by its rank among the image's values (tied values
 * share their mean rank; −0 ties with 0), spread evenly with mean 0 and std 1:
 * ((rank + 0.5) / n − 0.5) · √12. A flat image becomes all zeros; a NaN stays NaN (a broken
 * decoder must not pass as a pixel) and ranks above every number.
 */
export function rankEqualise(values: Float32Array): Float32Array {
  const n = values.length;
  const keys = orderedKeys(values);
  const order = sortedOrder(keys);
  for (let first = 0, end = 1; first < n; first = end, end = first + 1) {
    while (end < n && keys[order[end]] === keys[order[first]]) end++;
    const spread = Math.fround((((first + end - 1) / 2 + 0.5) / n - 0.5) * Math.sqrt(12));
    for (let k = first; k < end; k++) if (values[order[k]] === values[order[k]]) values[order[k]] = spread;
  }
  return values;
}

/** Unsigned keys in the order of the values: the float's bits with negatives flipped, 0 for ±0, NaN last. */
function orderedKeys(values: Float32Array): Uint32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const keys = new Uint32Array(values.length);
  for (let i = 0; i < keys.length; i++) {
    const v = values[i];
    const b = bits[i];
    keys[i] = v !== v ? 0xffffffff : v === 0 ? 0x80000000 : b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
  }
  return keys;
}

/** The indices of `keys` in ascending key order, equal keys in index order: a least-significant-byte-first radix sort. */
function sortedOrder(keys: Uint32Array): Uint32Array {
  let order = new Uint32Array(keys.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  let spare = new Uint32Array(keys.length);
  const counts = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < keys.length; i++) counts[(keys[i] >>> shift) & 0xff]++;
    if (counts.includes(keys.length)) continue; // every key has this byte: the order stands
    for (let b = 0, at = 0; b < 256; b++) {
      const count = counts[b];
      counts[b] = at;
      at += count;
    }
    for (let k = 0; k < order.length; k++) spare[counts[(keys[order[k]] >>> shift) & 0xff]++] = order[k];
    [order, spare] = [spare, order];
  }
  return order;
}
