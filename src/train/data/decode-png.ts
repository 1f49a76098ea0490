import { decode, type DecodedPng } from 'fast-png';
import { ImageDecodeError, type GrayImage } from './image.ts';
import { interleavedToGray } from './luma.ts';
import { checkDataLength, checkPngChunks } from './png-chunks.ts';

/**
 * PNG of any colour type (gray, gray+alpha, RGB, RGBA, palette) and bit depth (1 to 16) to
 * gray in [0, 1]: RGB through BT.601 luma, alpha and tRNS transparency ignored. Chunk CRCs
 * and the image data's length are checked, so a damaged file is an error rather than a silently wrong picture.
 */
export function decodePng(bytes: Uint8Array, file: string): GrayImage {
  const { width, height, channels, max, samples } = pngSamples(bytes, file);
  return { width, height, data: interleavedToGray(samples, width * height, channels, max) };
}

/** The PNG's samples, interleaved by pixel: palettes looked up to RGB, 1- to 4-bit rows unpacked; `max` is full scale. */
export function pngSamples(bytes: Uint8Array, file: string): { width: number; height: number; channels: number; max: number; samples: ArrayLike<number> } {
  const { colourType, data, iccProfile } = checkPngChunks(bytes, file);
  checkDataLength(bytes, data, file);
  const [iccStart, iccEnd] = iccProfile ?? [0, 0];
  // Without its ICC profile chunk, which the library would inflate, however large, and we do not use.
  const decodable = iccProfile ? bytes.slice().copyWithin(iccStart, iccEnd).subarray(0, bytes.length - iccEnd + iccStart) : bytes;
  let png: DecodedPng;
  try {
    png = decode(decodable, { checkCrc: true });
  } catch (error) {
    throw new ImageDecodeError(file, `corrupt PNG: ${(error as Error).message}`);
  }
  const { width, height, depth, channels } = png;
  // RGB images may carry a suggested palette (PLTE) too, which the library fills in: only type 3 is indexed.
  if (colourType === 3) return { width, height, channels: 3, max: 255, samples: paletteToRgb(unpackSamples(png, png.data), png.palette!, file) };
  return { width, height, channels, max: 2 ** depth - 1, samples: depth < 8 ? unpackSamples(png, png.data) : png.data };
}

/** Rows of 1-, 2- or 4-bit samples are packed into bytes (each row starts on a byte); one value per pixel out. */
function unpackSamples(png: DecodedPng, packed: ArrayLike<number>): Uint8Array {
  const { width, height, depth } = png;
  if (depth === 8) return Uint8Array.from(packed);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

function paletteToRgb(indices: Uint8Array, palette: number[][], file: string): Uint8Array {
  const rgb = new Uint8Array(indices.length * 3);
  for (let i = 0; i < indices.length; i++) {
    const colour = palette[indices[i]];
    if (!colour) throw new ImageDecodeError(file, `corrupt PNG: palette index ${indices[i]} past the ${palette.length}-entry palette`);
    rgb[i * 3] = colour[0]; // a fourth entry, when tRNS is present, is alpha: ignored
    rgb[i * 3 + 1] = colour[1];
    rgb[i * 3 + 2] = colour[2];
  }
  return rgb;
}
