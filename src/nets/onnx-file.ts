import { writeFileAtomic } from './atomic-write.ts';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'its folder is not a folder',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder',
  ENOSPC: 'no space left on the device',
};

/** Writes an exported model atomically (temporary file in the same folder, then rename), so a reader never sees half a model. */
export async function writeOnnxFile(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new Error(`cannot write ONNX model ${path}: ${(code && REASONS[code]) ?? message}`);
  }
}
