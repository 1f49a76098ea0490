import { cropFor, type Crop } from './crop.ts';
import type { GrayImage } from './image.ts';
import { normaliseEach, type Normalise } from './normalise.ts';
import { resizeGray } from './resize.ts';

/**
 * How every image becomes the net's input, in Node and in the browser alike: the whole image
 * resized to size × size (aspect ratio not kept, see resizeGray), then (v − mean) / std.
 * mean and std are those of the 426 training images after the resize, over all pixels
 * (scripts/preprocessing-stats.ts printed mean 0.5967, std 0.3198; an independent NumPy
 * computation with Pillow's decoders gave 0.59671 and 0.31978).
 */
export const PREPROCESSING = {
  resize: 'area-shrink-bilinear-enlarge',
  size: 224,
  mean: 0.5967,
  std: 0.3198,
} as const;

/** How a model wants its images: the input size, how the image is first cropped (crop.ts), and how it is normalised. */
export interface PreprocessOptions {
  size?: number;
  crop?: Crop;
  normalise?: Normalise;
}

/**
 * One gray image to a Float32Array of size · size, normalised with PREPROCESSING's mean and
 * std; cropped first as `crop` says (crop.ts); with normalise 'image' or 'rank', then
 * normalised on its own (normaliseEach: what training does to a dataset-normalised image after augmenting it).
 */
export function preprocess(image: GrayImage, { size = PREPROCESSING.size, crop = 'none', normalise = 'dataset' }: PreprocessOptions = {}): Float32Array {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`preprocess: size must be a positive integer, got ${size}`);
  const { width, height, data } = image;
  if (!(width >= 1 && height >= 1 && data.length === width * height)) {
    throw new RangeError(`preprocess: image of ${width} × ${height} pixels with ${data.length} values`);
  }
  const input = resizeGray(cropFor(image, crop), size, size);
  const scale = 1 / PREPROCESSING.std;
  for (let i = 0; i < input.length; i++) input[i] = (input[i] - PREPROCESSING.mean) * scale;
  return normaliseEach(input, input.length, normalise);
}
