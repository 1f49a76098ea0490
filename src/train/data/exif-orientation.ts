import type { GrayImage } from './image.ts';

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/**
 * The EXIF orientation (1 to 8) from a TIFF block, or 1 when the block has none or cannot be
 * read: a broken metadata block should not make a readable picture unusable.
 */
export function readExifOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const byteOrder = view.getUint16(0);
  if (byteOrder !== 0x4949 && byteOrder !== 0x4d4d) return 1; // "II" or "MM"
  const little = byteOrder === 0x4949;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return 1;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    if (view.getUint16(entry + 2, little) !== SHORT) return 1;
    const value = view.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/**
 * Turns the stored pixels the way the EXIF orientation says they are meant to be seen, as
 * browsers do when they show the file. Orientations 5 to 8 swap width and height.
 */
export function applyOrientation(image: GrayImage, orientation: number): GrayImage {
  if (orientation === 1) return image;
  const { width: w, height: h, data } = image;
  const swaps = orientation >= 5;
  const outWidth = swaps ? h : w;
  const outHeight = swaps ? w : h;
  const out = new Float32Array(w * h);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const [sx, sy] = sourcePixel(orientation, x, y, w, h);
      out[y * outWidth + x] = data[sy * w + sx];
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

/** Where output pixel (x, y) comes from in the stored w × h image. */
function sourcePixel(orientation: number, x: number, y: number, w: number, h: number): [number, number] {
  switch (orientation) {
    case 2: return [w - 1 - x, y]; // mirrored left-right
    case 3: return [w - 1 - x, h - 1 - y]; // rotated 180°
    case 4: return [x, h - 1 - y]; // mirrored top-bottom
    case 5: return [y, x]; // transposed
    case 6: return [y, h - 1 - x]; // needs 90° clockwise
    case 7: return [w - 1 - y, h - 1 - x]; // transverse
    case 8: return [w - 1 - y, x]; // needs 90° counter-clockwise
    default: return [x, y];
  }
}
