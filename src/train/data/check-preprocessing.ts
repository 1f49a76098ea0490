import { PREPROCESSING } from './preprocess.ts';

/** Images must be prepared the way the model was trained; refuse a model that recorded other constants. */
export function checkPreprocessing(recorded: Record<string, unknown>, modelFile: string): void {
  for (const key of ['resize', 'mean', 'std'] as const) {
    if (recorded[key] !== PREPROCESSING[key]) {
      throw new Error(`${modelFile}: trained with preprocessing ${key} = ${JSON.stringify(recorded[key])}, this build uses ${JSON.stringify(PREPROCESSING[key])}`);
    }
  }
}
