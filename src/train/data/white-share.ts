import { PREPROCESSING } from './preprocess.ts';
import { cropToBody } from './body-crop.ts';
import type { GrayImage } from './image.ts';

/** Lower edges of the white-share bins that scripts/source-audit.ts --by white reports by. */
export const WHITE_BINS = [0, 0.02, 0.1, 0.25] as const;

/** The share of the body's pixels (cropToBody) above 0.95 of the range: how saturated its source's window left the body. */
export function whiteShare(image: GrayImage): number {
  const body = cropToBody(image);
  let white = 0;
  for (const v of body.data) if (v > 0.95) white++;
  return white / body.data.length;
}

export function whiteBin(share: number): number {
  let bin = 0;
  while (bin + 1 < WHITE_BINS.length && share >= WHITE_BINS[bin + 1]) bin++;
  return bin;
}

/** The white-share bin of each of `count` dataset-normalised size × size images in x (the first channel of each). */
export function whiteBins(x: Float32Array, count: number, size: number): Uint8Array {
  const stride = x.length / count;
  return Uint8Array.from({ length: count }, (_, i) => {
    const data = x.subarray(i * stride, i * stride + size * size).map((v) => v * PREPROCESSING.std + PREPROCESSING.mean);
    return whiteBin(whiteShare({ width: size, height: size, data }));
  });
}
