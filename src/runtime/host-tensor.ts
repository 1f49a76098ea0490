import { Shape, sizeOf, fmt } from './shape.ts';
import { sharedF32 } from './cpu/parallel.ts';

/** Float data on the host: Float32Array normally, Float64Array for gradient checks. */
export type Arr = Float32Array | Float64Array;

export interface HostTensor {
  readonly shape: Shape;
  readonly data: Arr;
}

export function host(shape: Shape, data: Arr): HostTensor {
  if (data.length !== sizeOf(shape)) {
    throw new Error(`tensor data has ${data.length} values but shape ${fmt(shape)} needs ${sizeOf(shape)}`);
  }
  return { shape, data };
}

/** A zero-filled array of the same precision as `like`. */
export function zerosLike(like: Arr, n: number): Arr {
  return like instanceof Float64Array ? new Float64Array(n) : sharedF32(n);
}
