import { readFile } from 'node:fs/promises';
import { loadImageFile } from '../train/data/load-image-file.ts';
import { ImageDecodeError, type Box, type GrayImage } from '../train/data/image.ts';
import { croppedFor } from '../train/data/crop.ts';
import { preprocess, type PreprocessOptions } from '../train/data/preprocess.ts';
import { parseNpy } from './npy.ts';

// Lives in a browser-safe module (the viewer checks models too); re-exported for the CLI commands.
export { checkPreprocessing } from '../train/data/check-preprocessing.ts';

/** One net input [C·H·W] with the name it is reported under; of an image, the gray picture it shows (cropped as the model crops) and that crop's region of the image, for CAM overlays. */
export interface PreparedInput {
  name: string;
  input: Float32Array;
  image?: GrayImage;
  box?: Box;
}

/**
 * The inputs for each preparation, the images decoded once: images are cropped and preprocessed
 * as each says; .npy files hold already-preprocessed float tensors [S,S], [1,S,S] or [N,1,S,S]
 * and are fed to the net as they are. An image that cannot be read or decoded is left out and
 * told to `onSkip` once; without it, it throws.
 */
export async function prepareInputs(paths: string[], preparations: Required<PreprocessOptions>[], onSkip?: (path: string, reason: string) => void): Promise<PreparedInput[][]> {
  const out: PreparedInput[][] = preparations.map(() => []);
  for (const path of paths) {
    if (path.toLowerCase().endsWith('.npy')) {
      for (const [i, { size }] of preparations.entries()) out[i].push(...(await npyInputs(path, size)));
      continue;
    }
    try {
      const decoded = await loadImageFile(path);
      for (const [i, { size, crop, normalise }] of preparations.entries()) {
        const { image, box } = croppedFor(decoded, crop);
        out[i].push({ name: path, input: preprocess(image, { size, normalise }), image, box });
      }
    } catch (error) {
      if (!onSkip || !(error instanceof ImageDecodeError)) throw error;
      onSkip(path, error.reason);
    }
  }
  return out;
}

async function npyInputs(path: string, size: number): Promise<PreparedInput[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const { shape, data } = parseNpy(bytes, path);
  const s = `${shape.join(',')}`;
  const ok = s === `${size},${size}` || s === `1,${size},${size}` || (shape.length === 4 && shape[0] > 0 && shape[1] === 1 && shape[2] === size && shape[3] === size);
  if (!ok) throw new Error(`${path}: shape [${s}] is not [${size},${size}], [1,${size},${size}] or [N,1,${size},${size}] with N ≥ 1`);
  const n = shape.length === 4 ? shape[0] : 1;
  const plane = size * size;
  return Array.from({ length: n }, (_, i) => ({
    name: n === 1 ? path : `${path}[${i}]`,
    input: data.slice(i * plane, (i + 1) * plane),
  }));
}
