import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.ts';
import { decodeModel, encodeModel, type ModelMetadata } from './model-format.ts';
import type { Net } from './net.ts';

/** Saves a net's weights and BN statistics as safetensors with its metadata, atomically. */
export async function saveModelFile(path: string, net: Net, meta: ModelMetadata): Promise<void> {
  await writeFileAtomic(path, encodeModel(net.spec, await net.exportWeights(), meta));
}

export async function loadModelFile(path: string): Promise<ReturnType<typeof decodeModel>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `model file ${path} does not exist` : `cannot read model file ${path}: ${(err as Error).message}`);
  }
  return decodeModel(bytes, path);
}
