import { existsSync } from 'node:fs';
import { SHIPPED_MODELS } from '../nets/shipped-models.ts';

/** The --model file or comma list, or the shipped model's files (relative to the project folder, as a comma list) when the flag is left out. */
export function modelPath(flag: string | undefined): string {
  if (flag?.split(',').includes('')) throw new Error(flag === '' ? '--model is empty: give a model file, or leave the flag out for the shipped model' : `--model ${flag}: a name in the list is empty; separate model files by single commas`);
  if (flag) return flag;
  const missing = SHIPPED_MODELS.find((file) => !existsSync(file));
  if (missing === undefined) return SHIPPED_MODELS.join(',');
  throw new Error(`--model FILE is required here: the shipped model ${missing} is not found from ${process.cwd()} (run from the project folder)`);
}
