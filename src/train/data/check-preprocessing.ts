import { CROPS, type Crop } from './body-crop.ts';
import { PREPROCESSING } from './preprocess.ts';

/**
 * Images must be prepared the way the model was trained: refuses a model that recorded other
 * constants, and returns the crop it records ('none' for models made before crops existed).
 */
export function checkPreprocessing(recorded: Record<string, unknown>, modelFile: string): { crop: Crop } {
  for (const key of ['resize', 'mean', 'std'] as const) {
    if (recorded[key] !== PREPROCESSING[key]) {
      throw new Error(`${modelFile}: trained with preprocessing ${key} = ${JSON.stringify(recorded[key])}, this build uses ${JSON.stringify(PREPROCESSING[key])}`);
    }
  }
  const crop = recorded.crop ?? 'none';
  if (!CROPS.includes(crop as Crop)) throw new Error(`${modelFile}: trained with preprocessing crop = ${JSON.stringify(crop)}, this build knows ${CROPS.join(', ')}`);
  return { crop: crop as Crop };
}
