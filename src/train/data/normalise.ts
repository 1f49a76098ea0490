/**
 * How the net's input intensities are scaled. 'dataset': (v − mean) / std with the training
 * images' constants (PREPROCESSING); 'image': then each image standardised by its own mean and
 * std, so a slice's brightness and contrast (another scanner's window) no longer reach the net.
 */
export const NORMALISATIONS = ['dataset', 'image'] as const;
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

/** Standardises each consecutive block of `values` numbers of x (one image each) in place. */
export function standardiseEach(x: Float32Array, values: number): Float32Array {
  for (let start = 0; start < x.length; start += values) standardise(x.subarray(start, start + values));
  return x;
}
