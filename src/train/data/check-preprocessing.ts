import { CROPS, type Crop } from './crop.ts';
import { NORMALISATIONS, type Normalise } from './normalise.ts';
import { PREPROCESSING } from './preprocess.ts';

/**
 * Images must be prepared the way the model was trained: refuses a model whose preprocessing
 * (an object, as decodeModel has checked) recorded other constants, and returns the crop and
 * normalisation it records ('none' and 'dataset' for models made before these existed).
 */
export function checkPreprocessing(recorded: Record<string, unknown>, modelFile: string): { crop: Crop; normalise: Normalise } {
  for (const key of ['resize', 'mean', 'std'] as const) {
    if (recorded[key] !== PREPROCESSING[key]) {
      throw new Error(`${modelFile}: trained with preprocessing ${key} = ${JSON.stringify(recorded[key])}, this build uses ${JSON.stringify(PREPROCESSING[key])}`);
    }
  }
  const crop = recorded.crop ?? 'none';
  if (!CROPS.includes(crop as Crop)) throw new Error(`${modelFile}: trained with preprocessing crop = ${JSON.stringify(crop)}, this build knows ${CROPS.join(', ')}`);
  const normalise = recorded.normalise ?? 'dataset';
  if (!NORMALISATIONS.includes(normalise as Normalise)) {
    throw new Error(`${modelFile}: trained with preprocessing normalise = ${JSON.stringify(normalise)}, this build knows ${NORMALISATIONS.join(', ')}`);
  }
  return { crop: crop as Crop, normalise: normalise as Normalise };
}
