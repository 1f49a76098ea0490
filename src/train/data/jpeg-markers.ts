import { ImageDecodeError } from './image.ts';

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
// Start-of-frame markers of the codings jpeg-js does not decode: lossless (SOF3), hierarchical (SOF5–7), arithmetic (SOF9–11, 13–15).
const UNDECODED_FRAMES = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Walks the marker structure of a JPEG (segments, then entropy-coded scans, up to EOI) and
 * returns the TIFF block of its EXIF segment, if any. A file that stops before EOI is
 * truncated: the decoder library would only say "marker was not found". Stray bytes between
 * segments are stepped over, as libjpeg does.
 */
export function scanJpegMarkers(bytes: Uint8Array, file: string): { exif?: Uint8Array } {
  let exif: Uint8Array | undefined;
  let offset = 2; // after SOI
  while (offset + 1 < bytes.length) {
    if (bytes[offset] !== 0xff || bytes[offset + 1] === 0xff) {
      offset++;
      continue;
    }
    const marker = bytes[offset + 1];
    if (marker === 0xd9) return { exif };
    if (UNDECODED_FRAMES.has(marker)) {
      throw new ImageDecodeError(file, `unsupported JPEG: SOF${marker - 0xc0} (lossless, hierarchical or arithmetic coding; baseline and progressive are read)`);
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // standalone markers carry no length
      continue;
    }
    if (offset + 4 > bytes.length) break;
    const end = offset + 2 + ((bytes[offset + 2] << 8) | bytes[offset + 3]);
    if (end > bytes.length) break;
    if (marker === 0xe1 && !exif && startsWith(bytes, offset + 4, EXIF_HEADER)) {
      exif = bytes.subarray(offset + 4 + EXIF_HEADER.length, end);
    }
    offset = marker === 0xda ? skipScanData(bytes, end) : end;
  }
  throw new ImageDecodeError(file, `truncated JPEG: file ends at byte ${bytes.length} before the EOI marker`);
}

/** Entropy-coded data ends at the first 0xFF that is neither a stuffed 0xFF00 nor a restart marker. */
function skipScanData(bytes: Uint8Array, offset: number): number {
  for (let i = offset; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1];
    if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return i;
  }
  return bytes.length;
}

function startsWith(bytes: Uint8Array, offset: number, prefix: number[]): boolean {
  return prefix.every((value, i) => bytes[offset + i] === value);
}
