import type { GraphSpec } from '../nets/graph.ts';
import { loadModelFile } from '../nets/model-file.ts';
import { WeightsFileError } from '../nets/safetensors.ts';
import { foldDir } from '../train/cross-validate.ts';
import type { Crop } from '../train/data/crop.ts';
import type { Normalise } from '../train/data/normalise.ts';
import { QUARTER_TURNS } from '../train/rotation-batch.ts';
import { checkPreprocessing } from './inputs.ts';

export const UPRIGHT_HELP = `  --upright FILE  turn each image upright before scoring it (after the --robustness view): an
            orientation net (covid-ct pretrain --pretext rotation) scores the image at its four
            quarter turns, which name the turn it has (src/train/upright.ts), and the image is
            turned back; four passes of the orientation net per image. With --held-out, a folder
            holding FOLDER/fold-NN.safetensors for every fold, each trained on its fold's
            training slices only (their lists: scripts/fold-train-lists.mjs)`;

/** An orientation net: a light-cnn whose classes are the quarter turns, and how its images are prepared. */
export interface UprightModel {
  file: string;
  spec: GraphSpec;
  weights: Map<string, Float32Array>;
  crop: Crop;
  normalise: Normalise;
}

export async function loadUprightModel(file: string): Promise<UprightModel> {
  const { meta, spec, weights } = await loadModelFile(file);
  if (meta.classNames.join() !== QUARTER_TURNS.join()) {
    throw new WeightsFileError(file, `is not an orientation net: its classes are ${meta.classNames.join(', ')}, not the quarter turns ${QUARTER_TURNS.join(', ')} (covid-ct pretrain --pretext rotation)`);
  }
  return { file, spec, weights, ...checkPreprocessing(meta.preprocessing, file) };
}

/** --upright's file: the flag itself, or for a held-out fold (0-based) the fold's file in the folder. */
export function uprightFile(flag: string, heldOutFold: number | undefined): string {
  return heldOutFold === undefined ? flag : `${foldDir(flag, heldOutFold)}.safetensors`;
}
