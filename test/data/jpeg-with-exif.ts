import { encode } from 'jpeg-js';

/**
 * A small JPEG of the given gray pixels (0..255, row-major), with an APP1 EXIF segment that
 * holds only the orientation tag when `orientation` is given.
 */
export function jpegWithOrientation(gray: number[], width: number, height: number, orientation?: number, bigEndian = false): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  gray.forEach((value, i) => rgba.set([value, value, value, 255], i * 4));
  const jpeg = new Uint8Array(encode({ width, height, data: rgba }, 95).data);
  if (orientation === undefined) return jpeg;
  const app1 = exifSegment(orientation, bigEndian);
  return Uint8Array.from([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}

function exifSegment(orientation: number, bigEndian: boolean): number[] {
  const tiff = new DataView(new ArrayBuffer(26));
  const little = !bigEndian;
  tiff.setUint16(0, bigEndian ? 0x4d4d : 0x4949);
  tiff.setUint16(2, 42, little);
  tiff.setUint32(4, 8, little); // IFD0 right after the header
  tiff.setUint16(8, 1, little); // one entry
  tiff.setUint16(10, 0x0112, little); // Orientation
  tiff.setUint16(12, 3, little); // SHORT
  tiff.setUint32(14, 1, little); // count
  tiff.setUint16(18, orientation, little);
  tiff.setUint32(22, 0, little); // no next IFD
  const body = [...'Exif'].map((c) => c.charCodeAt(0)).concat(0, 0, ...new Uint8Array(tiff.buffer));
  const length = body.length + 2;
  return [0xff, 0xe1, length >> 8, length & 0xff, ...body];
}
