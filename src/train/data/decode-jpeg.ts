import { decode } from 'jpeg-js';
import { applyOrientation, readExifOrientation } from './exif-orientation.ts';
import { ImageDecodeError, type GrayImage } from './image.ts';
import { scanJpegMarkers } from './jpeg-markers.ts';
import { interleavedToGray } from './luma.ts';

/**
 * JPEG (baseline or progressive, 8-bit, gray, YCbCr, Adobe RGB or CMYK) to gray in [0, 1], turned upright
 * by its EXIF orientation when it has one (so the net sees what a browser shows).
 */
export function decodeJpeg(bytes: Uint8Array, file: string): GrayImage {
  const { exif, untransformedColour } = scanJpegMarkers(bytes, file);
  let rgb: { width: number; height: number; data: Uint8Array };
  try {
    // jpeg-js writes gray files as R = G = B, so the luma of a gray pixel is its own value.
    rgb = decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, ...(untransformedColour ? { colorTransform: false } : {}) });
  } catch (error) {
    throw new ImageDecodeError(file, `corrupt JPEG: ${(error as Error).message}`);
  }
  const { width, height } = rgb;
  const image = { width, height, data: interleavedToGray(rgb.data, width * height, 3, 255) };
  return exif ? applyOrientation(image, readExifOrientation(exif)) : image;
}
