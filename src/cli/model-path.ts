import { existsSync } from 'node:fs';

export const SHIPPED_MODEL = 'models/light-cnn.safetensors';

/** The --model file, or the shipped model (relative to the project folder). */
export function modelPath(flag: string | undefined): string {
  if (flag) return flag;
  if (existsSync(SHIPPED_MODEL)) return SHIPPED_MODEL;
  throw new Error(`--model FILE is required here: the shipped model ${SHIPPED_MODEL} is not found from ${process.cwd()} (run from the project folder)`);
}
