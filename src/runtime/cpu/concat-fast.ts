import type { Arr } from '../host-tensor.ts';
import { outputF32 } from './parallel.ts';

// Channel concat as block copies: image b of input k is one contiguous run of
// channels[k]·hw values in both x_k and y.

export function concatFwdFast(xs: readonly Arr[], channels: readonly number[], n: number, hw: number): Float32Array {
  const total = channels.reduce((a, b) => a + b, 0);
  const y = outputF32(n * total * hw);
  let first = 0;
  xs.forEach((x, k) => {
    const run = channels[k] * hw;
    for (let b = 0; b < n; b++) y.set(x.subarray(b * run, (b + 1) * run), (b * total + first) * hw);
    first += channels[k];
  });
  return y;
}

export function concatBwdFast(dy: Arr, channels: readonly number[], n: number, hw: number): Float32Array[] {
  const total = channels.reduce((a, b) => a + b, 0);
  let first = 0;
  return channels.map((ck) => {
    const dx = outputF32(n * ck * hw);
    for (let b = 0; b < n; b++) dx.set(dy.subarray((b * total + first) * hw, (b * total + first + ck) * hw), b * ck * hw);
    first += ck;
    return dx;
  });
}
