import { existsSync } from 'node:fs';
import { SHIPPED_MODELS } from '../nets/shipped-models.ts';

/** The files of --model (one, or a comma list: an ensemble), or the shipped model's (relative to the project folder) when the flag is left out. */
export function modelFiles(flag: string | undefined): string[] {
  if (flag?.split(',').includes('')) throw new Error(flag === '' ? '--model is empty: give a model file, or leave the flag out for the shipped model' : `--model ${flag}: a name in the list is empty; separate model files by single commas`);
  if (flag) return flag.split(',');
  const missing = SHIPPED_MODELS.find((file) => !existsSync(file));
  if (missing === undefined) return [...SHIPPED_MODELS];
  throw new Error(`--model FILE is required here: the shipped model ${missing} is not found from ${process.cwd()} (run from the project folder)`);
}
