import { ImageDecodeError } from './image.ts';

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
// Start-of-frame markers of the codings jpeg-js does not decode: lossless (SOF3, and JPEG-LS's SOF55), hierarchical (SOF5–7), arithmetic (SOF9–11, 13–15).
const UNDECODED_FRAMES = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf, 0xf7]);
const DECODED_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
const ADOBE_HEADER = [0x41, 0x64, 0x6f, 0x62, 0x65]; // "Adobe"

/** What the decoder library is not told by itself: the EXIF block, and whether an Adobe segment says the colour samples are stored untransformed (RGB, not YCbCr). */
export interface JpegMarkers {
  exif?: Uint8Array;
  untransformedColour: boolean;
}

/**
 * Walks the marker structure of a JPEG (segments, then entropy-coded scans, up to EOI) and
 * returns what JpegMarkers holds. A file that stops before EOI is truncated: the decoder library
 * would only say "marker was not found". Frames it misreads are refused: samples of other than 8
 * bits (it clamps them) and a zero size (a height given later by a DNL marker). Stray bytes
 * between segments are stepped over, as libjpeg does.
 */
export function scanJpegMarkers(bytes: Uint8Array, file: string): JpegMarkers {
  let exif: Uint8Array | undefined;
  let adobeTransform: number | undefined;
  let components = 0;
  let offset = 2; // after SOI
  while (offset + 1 < bytes.length) {
    if (bytes[offset] !== 0xff || bytes[offset + 1] === 0xff) {
      offset++;
      continue;
    }
    const marker = bytes[offset + 1];
    if (marker === 0xd9) return { exif, untransformedColour: adobeTransform === 0 && components === 3 };
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
    if (marker === 0xee && end - offset >= 16 && startsWith(bytes, offset + 4, ADOBE_HEADER)) adobeTransform = bytes[offset + 15];
    if (DECODED_FRAMES.has(marker) && end - offset >= 10) {
      const [precision, height, width] = [bytes[offset + 4], (bytes[offset + 5] << 8) | bytes[offset + 6], (bytes[offset + 7] << 8) | bytes[offset + 8]];
      if (precision !== 8) throw new ImageDecodeError(file, `unsupported JPEG: ${precision}-bit samples (8-bit ones are read)`);
      if (width === 0 || height === 0) throw new ImageDecodeError(file, `corrupt JPEG: image of ${width} × ${height} pixels (a height given by a DNL marker is not read)`);
      components = bytes[offset + 9];
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
