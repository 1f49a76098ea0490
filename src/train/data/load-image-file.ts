import { readFile } from 'node:fs/promises';
import { decodeImage } from './decode-image.ts';
import { ImageDecodeError, type GrayImage } from './image.ts';

/** Reads and decodes one image file (Node only); every failure is an ImageDecodeError naming the path. */
export async function loadImageFile(path: string): Promise<GrayImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new ImageDecodeError(path, `cannot read file (${code ?? message})`);
  }
  return decodeImage(bytes, path);
}
