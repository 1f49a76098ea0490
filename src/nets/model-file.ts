import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.ts';
import { decodeModel, encodeModel, type ModelMetadata } from './model-format.ts';
import type { Net } from './net.ts';

/** Saves a net's weights and BN statistics as safetensors with its metadata, atomically. */
export async function saveModelFile(path: string, net: Net, meta: ModelMetadata): Promise<void> {
  await writeFileAtomic(path, encodeModel(net.spec, await net.exportWeights(), meta));
}

export async function loadModelFile(path: string): Promise<ReturnType<typeof decodeModel>> {
  return decodeModel(await readModelBytes(path, 'model file'), path);
}

/** A weights file's bytes; `what` names it in the error when it cannot be read (missing, a folder). */
export async function readModelBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${what} ${path} does not exist` : `cannot read ${what} ${path}: ${code === 'EISDIR' ? 'it is a folder' : (err as Error).message}`);
  }
}
