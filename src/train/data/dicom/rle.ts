import { ImageDecodeError } from '../image.ts';

const HEADER_BYTES = 64; // segment count + 15 segment offsets, all u32 little-endian
const MOST_BYTES_PER_CODE_BYTE = 64; // a PackBits run: 2 bytes repeat one byte 128 times

/**
 * One frame of DICOM RLE Lossless (PS3.5 annex G) back to the byte layout of native
 * little-endian pixel data. Each byte of a sample is its own PackBits-coded segment, most
 * significant byte first; a 16-bit single-sample image therefore has two segments.
 */
export function decodeRleFrame(frame: Uint8Array, pixelCount: number, bytesPerPixel: number, file: string): Uint8Array {
  const corrupt = (reason: string) => new ImageDecodeError(file, `corrupt DICOM RLE data: ${reason}`);
  if (frame.length < HEADER_BYTES) throw corrupt(`frame of ${frame.length} bytes is shorter than the 64-byte RLE header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segmentCount = view.getUint32(0, true);
  if (segmentCount !== bytesPerPixel) {
    throw corrupt(`${segmentCount} segments, expected ${bytesPerPixel} (one per byte of a pixel)`);
  }
  if (frame.length * MOST_BYTES_PER_CODE_BYTE < pixelCount * bytesPerPixel) {
    throw corrupt(`a frame of ${frame.length} bytes cannot hold ${pixelCount} pixels of ${bytesPerPixel} bytes`);
  }
  const out = new Uint8Array(pixelCount * bytesPerPixel);
  for (let s = 0; s < segmentCount; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segmentCount ? view.getUint32(8 + 4 * s, true) : frame.length;
    if (start < HEADER_BYTES || start > end || end > frame.length) {
      throw corrupt(`segment ${s} spans bytes ${start}..${end} of a ${frame.length}-byte frame`);
    }
    const plane = unpackBits(frame.subarray(start, end), pixelCount);
    if (plane.filled < pixelCount) throw corrupt(`segment ${s} decodes to ${plane.filled} bytes, expected ${pixelCount}`);
    if (plane.unread > 1) throw corrupt(`segment ${s} has ${plane.unread} code bytes left after its ${pixelCount} pixels`);
    const byteInPixel = bytesPerPixel - 1 - s; // segment 0 is the most significant byte
    for (let p = 0; p < pixelCount; p++) out[p * bytesPerPixel + byteInPixel] = plane.bytes[p];
  }
  return out;
}

/**
 * PackBits: a header byte n in 0..127 copies the next n + 1 bytes; -127..-1 repeats the next
 * byte 1 - n times; -128 does nothing. Decoding stops at `size` bytes; `unread` counts the
 * code bytes left then (one may be the padding to an even length).
 */
function unpackBits(segment: Uint8Array, size: number): { bytes: Uint8Array; filled: number; unread: number } {
  const bytes = new Uint8Array(size);
  let filled = 0;
  let i = 0;
  while (i < segment.length && filled < size) {
    const n = (segment[i++] << 24) >> 24; // as a signed byte
    if (n >= 0) {
      const count = Math.min(n + 1, segment.length - i, size - filled);
      bytes.set(segment.subarray(i, i + count), filled);
      filled += count;
      i += n + 1;
    } else if (n !== -128) {
      if (i >= segment.length) break;
      const count = Math.min(1 - n, size - filled);
      bytes.fill(segment[i++], filled, filled + count);
      filled += count;
    }
  }
  return { bytes, filled, unread: segment.length - i };
}
