import type { Random } from '../runtime/random.ts';
import { PREPROCESSING } from './data/preprocess.ts';
import type { AugmentSettings } from './recipe.ts';

/** A black pixel after normalisation: what rotation and zoom bring in from outside the slice. */
export const BACKGROUND = -PREPROCESSING.mean / PREPROCESSING.std;

/**
 * One preprocessed image [channels · size · size], rotated and zoomed about its centre, then
 * noisy. Draws the angle, the scale, then one normal per value from `rng`, in that order.
 * Each output pixel is sampled bilinearly at the source position the inverse transform gives
 * it; source pixels outside the image count as BACKGROUND. All channels share one geometry.
 */
export function augment(input: Float32Array, channels: number, size: number, settings: AugmentSettings, rng: Random): Float32Array {
  const plane = size * size;
  if (input.length !== channels * plane) throw new RangeError(`augment: ${input.length} values, expected ${channels} × ${size} × ${size}`);
  const angle = (rng.uniform(...settings.rotationDegrees) * Math.PI) / 180;
  const scale = rng.uniform(...settings.scale);
  // Output offset (dx, dy) from the centre reads the source at R(−angle)·(dx, dy)/scale; with
  // y pointing down, turning the content counter-clockwise on screen.
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const centre = (size - 1) / 2;
  const out = new Float32Array(input.length);
  for (let c = 0; c < channels; c++) {
    const source = input.subarray(c * plane, (c + 1) * plane);
    for (let y = 0; y < size; y++) {
      const dy = y - centre;
      for (let x = 0; x < size; x++) {
        const dx = x - centre;
        out[c * plane + y * size + x] = bilinear(source, size, centre + dx * cos - dy * sin, centre + dx * sin + dy * cos);
      }
    }
  }
  if (settings.noiseStd > 0) for (let i = 0; i < out.length; i++) out[i] += settings.noiseStd * rng.normal();
  return out;
}

function bilinear(plane: Float32Array, size: number, sx: number, sy: number): number {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  const at = (x: number, y: number) => (x >= 0 && x < size && y >= 0 && y < size ? plane[y * size + x] : BACKGROUND);
  const top = (1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0);
  const bottom = (1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1);
  return (1 - fy) * top + fy * bottom;
}
