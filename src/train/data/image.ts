/** A grayscale image, row-major, values in [0, 1] (0 = black). */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
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

