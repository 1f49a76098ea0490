/** The most pixels a decoder accepts (as jpeg-js caps JPEGs): a few bytes of header may declare any size. */
export const MAX_PIXELS = 100e6;

/** A grayscale image, row-major, values in [0, 1] (0 = black). */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** A region of an image: its top-left pixel and its size, in pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** An image cut to where its content is, and the region of the uncropped image it shows. */
export type Cropped = { image: GrayImage; box: Box };

/** The width × height box of the image whose top-left pixel is (left, top); the box must lie inside the image. */
export function cropBox(image: GrayImage, { left, top, width, height }: Box): GrayImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) data.set(image.data.subarray((top + y) * image.width + left, (top + y) * image.width + left + width), y * width);
  return { width, height, data };
}

/**
 * A file that could not be read or decoded as an image. `file` names it (a path in Node,
 * whatever name the caller passed in a browser); `reason` says what is wrong with it.
 */
export class ImageDecodeError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${reason} in ${file}`);
    this.name = 'ImageDecodeError';
  }
}

