import { existsSync } from 'node:fs';
import { netFromWeights } from '../nets/init.ts';
import { loadModelFile } from '../nets/model-file.ts';
import type { ModelMetadata } from '../nets/model-format.ts';
import type { Net } from '../nets/net.ts';
import type { Backend } from '../runtime/backend.ts';

export const SHIPPED_MODEL = 'models/light-cnn.safetensors';

/** The --model file, or the shipped model once there is one. */
export function modelPath(flag: string | undefined): string {
  if (flag) return flag;
  if (existsSync(SHIPPED_MODEL)) return SHIPPED_MODEL;
  throw new Error(`--model FILE is required: no trained model ships yet (${SHIPPED_MODEL} is missing)`);
}

export async function loadNet(path: string, backend: Backend): Promise<{ net: Net; meta: ModelMetadata }> {
  const { meta, spec, weights } = await loadModelFile(path);
  return { net: netFromWeights(spec, backend, weights), meta };
}
