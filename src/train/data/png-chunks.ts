import { ImageDecodeError } from './image.ts';

const SIGNATURE_LENGTH = 8;

/**
 * Walks the chunk list of a PNG and throws a clear "truncated" error when a chunk runs past
 * the end of the file or IEND never comes. The decoder library reports both only as a
 * DataView range error, which tells the user nothing.
 */
export function checkPngChunks(bytes: Uint8Array, file: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SIGNATURE_LENGTH;
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length; // length, type, data, CRC
    if (end > bytes.length) {
      throw new ImageDecodeError(
        file,
        `truncated PNG: chunk ${type} at byte ${offset} needs ${end - offset} bytes, only ${bytes.length - offset} left`,
      );
    }
    if (type === 'IEND') return;
    offset = end;
  }
  throw new ImageDecodeError(file, `truncated PNG: file ends at byte ${bytes.length} before the IEND chunk`);
}
