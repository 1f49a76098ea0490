import { decodeDicom } from './dicom/decode-dicom.ts';
import { dicomDataStart } from './dicom/data-set.ts';
import { decodeJpeg } from './decode-jpeg.ts';
import { decodePng } from './decode-png.ts';
import { ImageDecodeError, type GrayImage } from './image.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

/**
 * Bytes of a PNG, JPEG or DICOM file to a gray image in [0, 1]. The format is told by the
 * file's first bytes, never by its name: some of the data set's ".png" files are JPEGs.
 * `file` only names the source in errors, which are all ImageDecodeErrors: a failure the
 * decoders did not foresee still names the file, and a run skips it like any bad file.
 */
export function decodeImage(bytes: Uint8Array, file: string): GrayImage {
  try {
    return decodeByFormat(bytes, file);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw new ImageDecodeError(file, `cannot decode (${(error as Error).message})`);
  }
}

function decodeByFormat(bytes: Uint8Array, file: string): GrayImage {
  if (bytes.length === 0) throw new ImageDecodeError(file, 'empty file');
  if (startsWith(bytes, PNG_SIGNATURE)) return decodePng(bytes, file);
  if (startsWith(bytes, JPEG_SIGNATURE)) return decodeJpeg(bytes, file);
  if (dicomDataStart(bytes) >= 0) return decodeDicom(bytes, file);
  if (PNG_SIGNATURE.slice(0, bytes.length).every((b, i) => bytes[i] === b)) {
    throw new ImageDecodeError(file, `truncated PNG: ${bytes.length} bytes, not even the 8-byte signature`);
  }
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new ImageDecodeError(file, `not an image: no PNG, JPEG or DICOM signature (file starts with ${head})`);
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}
