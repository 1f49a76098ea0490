import { ImageDecodeError } from '../../src/train/data/image.ts';

/** The ImageDecodeError that run throws (sync or async); anything else fails the test. */
export async function catchDecodeError(run: () => unknown): Promise<ImageDecodeError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ImageDecodeError) return error;
    throw error;
  }
  throw new Error('expected an ImageDecodeError, nothing was thrown');
}
