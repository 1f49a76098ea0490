import { zerosLike, type Arr } from '../host-tensor.ts';

/** PCG hash on u32, bit-for-bit the same as `pcg` in shaders/pointwise.wgsl. */
export function pcg(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Keep-mask scaled by 1/(1-p): element i is dropped when its hash, as a uniform in [0,1), is below p. */
export function dropoutMask(like: Arr, n: number, p: number, seed: number): Arr {
  const mask = zerosLike(like, n);
  const scale = Math.fround(1 / (1 - p));
  const seedHash = pcg(seed);
  for (let i = 0; i < n; i++) {
    const u = (pcg((i ^ seedHash) >>> 0) >>> 8) / 16777216;
    mask[i] = u >= p ? scale : 0;
  }
  return mask;
}

export function mul(a: Arr, b: Arr): Arr {
  const y = zerosLike(a, a.length);
  for (let i = 0; i < a.length; i++) y[i] = a[i] * b[i];
  return y;
}
