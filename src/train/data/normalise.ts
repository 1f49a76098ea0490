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
 * share their mean rank), spread evenly with mean 0 and std 1: ((rank + 0.5) / n − 0.5) · √12.
 * A flat image becomes all zeros; a NaN stays NaN (a broken decoder must not pass as a pixel).
 */
export function rankEqualise(values: Float32Array): Float32Array {
  const n = values.length;
  const sorted = Float32Array.from(values).sort();
  // spread[k]: the output of the values equal to sorted[k], from the mean rank of their run
  const spread = new Float32Array(n);
  for (let first = 0, end = 1; first < n; first = end, end = first + 1) {
    while (end < n && sorted[end] === sorted[first]) end++;
    spread.fill((((first + end - 1) / 2 + 0.5) / n - 0.5) * Math.sqrt(12), first, end);
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) continue;
    let lo = 0;
    for (let hi = n; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    values[i] = spread[lo];
  }
  return values;
}
