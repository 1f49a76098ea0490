import { Unzlib } from 'fflate';
import { ImageDecodeError, MAX_PIXELS } from './image.ts';

const SIGNATURE_LENGTH = 8;
/** The bit depths PNG allows for each colour type (PNG spec, table 11.1). */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7's seven passes: first column and row, column and row step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/**
 * Walks the chunk list of a PNG and throws a clear "truncated" error when a chunk runs past
 * the end of the file or IEND never comes. The decoder library reports both only as a
 * DataView range error, which tells the user nothing. It also checks what the library takes on
 * trust: the header's size and depth (checkHeader), and that a palette image has its palette.
 * Returns the colour type, the image data (the IDAT chunks' contents, for checkDataLength) and
 * where an ICC profile chunk sits (unused here; the library would inflate it whatever its size).
 */
export function checkPngChunks(bytes: Uint8Array, file: string): { colourType: number; data: Uint8Array[]; iccProfile?: [number, number] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SIGNATURE_LENGTH;
  let colourType = -1;
  let palette = false;
  const data: Uint8Array[] = [];
  let iccProfile: [number, number] | undefined;
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    // Shown as JSON: a corrupt file's type may hold bytes that are not letters.
    const type = JSON.stringify(String.fromCharCode(...bytes.subarray(offset + 4, offset + 8))).slice(1, -1);
    const end = offset + 12 + length; // length, type, data, CRC
    if (end > bytes.length) {
      throw new ImageDecodeError(
        file,
        `truncated PNG: chunk ${type} at byte ${offset} needs ${end - offset} bytes, only ${bytes.length - offset} left`,
      );
    }
    if (offset === SIGNATURE_LENGTH) colourType = checkHeader(type, length, view, offset + 8, file);
    if (type === 'PLTE' && (colourType === 0 || colourType === 4)) throw new ImageDecodeError(file, `corrupt PNG: a PLTE chunk in a gray image (colour type ${colourType})`);
    if (type === 'PLTE') palette = true;
    if (type === 'IDAT' && colourType === 3 && !palette) throw new ImageDecodeError(file, 'corrupt PNG: palette image without a PLTE chunk before its data');
    if (type === 'IDAT') data.push(bytes.subarray(offset + 8, offset + 8 + length));
    if (type === 'iCCP') iccProfile = [offset, end];
    if (type === 'IEND') return { colourType, data, iccProfile };
    offset = end;
  }
  throw new ImageDecodeError(file, `truncated PNG: file ends at byte ${bytes.length} before the IEND chunk`);
}

/** Compressed bytes inflated at a time, so a stream that inflates past what the pixels need stops within ~16 MB. */
const INFLATE_STEP = 16384;
const TRAILING_DATA_ALLOWED = 1 << 20; // image data past what the pixels need, let through unread as libpng does

/**
 * Before the library decodes: refuses image data (checkPngChunks's) shorter than the header's
 * rows need, a filter byte and the packed samples per row of each pass (the library zero-fills
 * a short stream's last row), or over a megabyte longer (it would hold all of a 1-pixel file's gigabytes). A
 * stream that is not zlib is left for the library to name.
 */
export function checkDataLength(bytes: Uint8Array, parts: Uint8Array[], file: string): void {
  const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [width, height, depth, colour, interlace] = [header.getUint32(16), header.getUint32(20), header.getUint8(24), header.getUint8(25), header.getUint8(28)];
  const rowBytes = (pixels: number) => 1 + Math.ceil((pixels * CHANNELS[colour] * depth) / 8);
  const passes = interlace === 1 ? ADAM7 : [[0, 0, 1, 1]];
  const needed = passes.reduce((sum, [x0, y0, dx, dy]) => {
    const [columns, rows] = [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)];
    return columns > 0 && rows > 0 ? sum + rows * rowBytes(columns) : sum;
  }, 0);
  const tooLong = new ImageDecodeError(file, `corrupt PNG: image data inflates past the ${needed} bytes its ${width} × ${height} pixels need`);
  let inflated = 0;
  const inflater = new Unzlib((chunk) => {
    inflated += chunk.length;
    if (inflated > needed + TRAILING_DATA_ALLOWED) throw tooLong;
  });
  try {
    for (const part of parts) for (let at = 0; at < part.length; at += INFLATE_STEP) inflater.push(part.subarray(at, at + INFLATE_STEP));
    inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error === tooLong) throw error;
    return;
  }
  if (inflated < needed) throw new ImageDecodeError(file, `corrupt PNG: image data holds ${inflated} bytes, its ${width} × ${height} pixels need ${needed}`);
}

/**
 * IHDR, at `at`: a size of at most MAX_PIXELS (the library would allocate whatever a few bytes
 * declare), a bit depth its colour type allows (others decode to garbage), and no interlaced
 * samples under 8 bits (the library misreads their rows). Returns the colour type.
 */
function checkHeader(type: string, length: number, view: DataView, at: number, file: string): number {
  const fail = (reason: string) => new ImageDecodeError(file, reason);
  if (type !== 'IHDR' || length !== 13) throw fail(`corrupt PNG: first chunk is ${type} of ${length} bytes, not the 13-byte IHDR`);
  const [width, height, depth, colour, interlace] = [view.getUint32(at), view.getUint32(at + 4), view.getUint8(at + 8), view.getUint8(at + 9), view.getUint8(at + 12)];
  if (width === 0 || height === 0) throw fail(`corrupt PNG: image of ${width} × ${height} pixels`);
  if (width * height > MAX_PIXELS) throw fail(`unsupported PNG: ${width} × ${height} pixels, more than the ${MAX_PIXELS / 1e6} million read`);
  if (!DEPTHS[colour]?.includes(depth)) throw fail(`corrupt PNG: bit depth ${depth} is not allowed for colour type ${colour}`);
  if (interlace === 1 && depth < 8) throw fail(`unsupported PNG: interlaced ${depth}-bit samples`);
  return colour;
}
