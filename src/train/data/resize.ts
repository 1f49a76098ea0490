import type { GrayImage } from './image.ts';

/** For one output index: the first source index it reads and the weight of each source index from there. */
interface Taps {
  first: number;
  weights: number[];
}

/**
 * Resizes the whole image to width × height, aspect ratio not kept. Each axis is resampled
 * on its own: an axis that shrinks (or stays) is area-averaged (each output pixel is the
 * mean of the source interval it covers, partial pixels weighted by their overlap), an axis
 * that grows is bilinear with pixel centres aligned (x_src = (x + 0.5)·src/dst − 0.5,
 * clamped at the edges). Same size returns an equal copy.
 */
export function resizeGray(image: GrayImage, width: number, height: number): Float32Array {
  const columns = axisTaps(image.width, width);
  const rows = axisTaps(image.height, height);
  const horizontal = new Float64Array(width * image.height);
  for (let y = 0; y < image.height; y++) {
    const row = y * image.width;
    for (let x = 0; x < width; x++) {
      const { first, weights } = columns[x];
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * image.data[row + first + k];
      horizontal[y * width + x] = sum;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const { first, weights } = rows[y];
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * horizontal[(first + k) * width + x];
      out[y * width + x] = sum;
    }
  }
  return out;
}

function axisTaps(source: number, target: number): Taps[] {
  return Array.from({ length: target }, (_, i) => (target <= source ? areaTaps(source, target, i) : bilinearTaps(source, target, i)));
}

function areaTaps(source: number, target: number, i: number): Taps {
  const scale = source / target;
  const lo = i * scale;
  const hi = Math.min((i + 1) * scale, source);
  const first = Math.floor(lo);
  const weights: number[] = [];
  for (let j = first; j < hi; j++) weights.push((Math.min(hi, j + 1) - Math.max(lo, j)) / scale);
  return { first, weights };
}

function bilinearTaps(source: number, target: number, i: number): Taps {
  const x = Math.min(Math.max(((i + 0.5) * source) / target - 0.5, 0), source - 1);
  const first = Math.floor(x);
  const fraction = x - first;
  return first + 1 < source ? { first, weights: [1 - fraction, fraction] } : { first, weights: [1] };
}
