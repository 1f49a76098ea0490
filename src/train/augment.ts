import type { Random } from '../runtime/random.ts';
import { PREPROCESSING } from './data/preprocess.ts';
import type { AugmentSettings } from './recipe.ts';

/** A black pixel after normalisation: what rotation and zoom bring in from outside the slice. */
export const BACKGROUND = -PREPROCESSING.mean / PREPROCESSING.std;

/** The random draws of one image, in the order they are taken from the generator. */
interface Draw {
  angle: number;
  scale: number;
  /** −1 mirrors left and right before the rotation. */
  mirror: 1 | -1;
  shiftX: number;
  shiftY: number;
  contrast: number;
  gamma: number;
  /** Intensities are divided by this and clamped at 1 (1: unchanged). */
  whiteLevel: number;
}

/**
 * One preprocessed image [channels · size · size], transformed by one random draw of
 * `settings`: mirrored, rotated (the angle plus a quarter turn), zoomed and shifted about its
 * centre, then contrast and gamma changed, then noisy. Each output pixel is sampled
 * bilinearly at the source position the inverse transform gives it; source pixels outside
 * the image count as BACKGROUND. All channels share one draw. The draws are taken in the
 * order angle, scale, then only for the settings a recipe has: quarter turn, mirror, shift,
 * contrast, gamma, white level; then one normal per value, so a recipe without the extras draws exactly
 * what the paper's recipe always drew. The input is normalised with the data set's constants,
 * which BACKGROUND and the intensity changes undo to reach [0, 1]; a per-image standardised
 * input could not be mapped back. So a recipe with normalise 'image' augments the
 * dataset-normalised image and standardises the result (trainer): the net sees what predict
 * feeds it, black corners of a rotation included, and noise and contrast scaled with the image.
 */
export function augment(input: Float32Array, channels: number, size: number, settings: AugmentSettings, rng: Random): Float32Array {
  const plane = size * size;
  if (input.length !== channels * plane) throw new RangeError(`augment: ${input.length} values, expected ${channels} × ${size} × ${size}`);
  const draw = drawTransform(settings, size, rng);
  const out = new Float32Array(input.length);
  // Output offset (ex, ey) from the centre, less the shift, reads the source at
  // mirror(R(−angle)·(ex, ey)/scale); with y pointing down, turning the content counter-clockwise on screen.
  const cos = Math.cos(draw.angle) / draw.scale;
  const sin = Math.sin(draw.angle) / draw.scale;
  const centre = (size - 1) / 2;
  const identity = draw.angle === 0 && draw.scale === 1 && draw.mirror === 1 && draw.shiftX === 0 && draw.shiftY === 0;
  if (identity) out.set(input); // what the sampling would give, exactly: every source position is a pixel's own
  else for (let c = 0; c < channels; c++) {
    const source = input.subarray(c * plane, (c + 1) * plane);
    for (let y = 0; y < size; y++) {
      const ey = y - centre - draw.shiftY;
      for (let x = 0; x < size; x++) {
        const ex = x - centre - draw.shiftX;
        out[c * plane + y * size + x] = bilinear(source, size, centre + draw.mirror * (ex * cos - ey * sin), centre + ex * sin + ey * cos);
      }
    }
  }
  if (draw.contrast !== 1 || draw.gamma !== 1 || draw.whiteLevel !== 1) adjustIntensity(out, draw);
  if (settings.noiseStd > 0) for (let i = 0; i < out.length; i++) out[i] += settings.noiseStd * rng.normal();
  return out;
}

function drawTransform(settings: AugmentSettings, size: number, rng: Random): Draw {
  let angle = (rng.uniform(...settings.rotationDegrees) * Math.PI) / 180;
  const scale = rng.uniform(...settings.scale);
  if (settings.quarterTurns) angle += (rng.int(4) * Math.PI) / 2;
  const mirror = settings.mirror && rng.next() < 0.5 ? -1 : 1;
  const shift = (settings.shift ?? 0) * size;
  const shiftX = shift ? rng.uniform(-shift, shift) : 0;
  const shiftY = shift ? rng.uniform(-shift, shift) : 0;
  const contrast = settings.contrast ? rng.uniform(...settings.contrast) : 1;
  const gamma = settings.gamma ? Math.exp(rng.uniform(Math.log(settings.gamma[0]), Math.log(settings.gamma[1]))) : 1;
  const whiteLevel = settings.whiteLevel && rng.next() < 0.5 ? rng.uniform(...settings.whiteLevel) : 1;
  return { angle, scale, mirror, shiftX, shiftY, contrast, gamma, whiteLevel };
}

/**
 * On the [0, 1] intensities: contrast stretches each value about the image's mean, then the
 * result, divided by the white level and clamped to [0, 1], is raised to the power gamma
 * (black and white stay put).
 */
function adjustIntensity(values: Float32Array, { contrast, gamma, whiteLevel }: Draw): void {
  const { mean, std } = PREPROCESSING;
  let sum = 0;
  for (const v of values) sum += v * std + mean;
  const imageMean = sum / values.length;
  for (let i = 0; i < values.length; i++) {
    const u = Math.min(1, Math.max(0, (imageMean + (values[i] * std + mean - imageMean) * contrast) / whiteLevel));
    values[i] = (u ** gamma - mean) / std;
  }
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
