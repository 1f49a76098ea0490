import { existsSync } from 'node:fs';

export const SHIPPED_MODEL = 'models/light-cnn.safetensors';

/** The --model file, or the shipped model (relative to the project folder) when the flag is left out. */
export function modelPath(flag: string | undefined): string {
  if (flag?.split(',').includes('')) throw new Error(flag === '' ? '--model is empty: give a model file, or leave the flag out for the shipped model' : `--model ${flag}: a name in the list is empty; separate model files by single commas`);
  if (flag) return flag;
  if (existsSync(SHIPPED_MODEL)) return SHIPPED_MODEL;
  throw new Error(`--model FILE is required here: the shipped model ${SHIPPED_MODEL} is not found from ${process.cwd()} (run from the project folder)`);
}
