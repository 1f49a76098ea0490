import { zerosLike, type Arr } from '../host-tensor.ts';

/**
 * Channel concat of NCHW tensors given as their data and channel counts; every
 * input has the same N and the same H×W (`hw`).
 */
export function concatFwd(xs: readonly Arr[], channels: readonly number[], n: number, hw: number): Arr {
  const total = channels.reduce((a, b) => a + b, 0);
  const y = zerosLike(xs[0], n * total * hw);
  for (let b = 0; b < n; b++) {
    let cOut = 0;
    xs.forEach((x, k) => {
      for (let c = 0; c < channels[k]; c++, cOut++) {
        for (let j = 0; j < hw; j++) y[(b * total + cOut) * hw + j] = x[(b * channels[k] + c) * hw + j];
      }
    });
  }
  return y;
}

/** The gradient of each input is its channel slice of dy. */
export function concatBwd(dy: Arr, channels: readonly number[], n: number, hw: number): Arr[] {
  const total = channels.reduce((a, b) => a + b, 0);
  let first = 0;
  return channels.map((ck) => {
    const dx = zerosLike(dy, n * ck * hw);
    for (let b = 0; b < n; b++) {
      for (let c = 0; c < ck; c++) {
        for (let j = 0; j < hw; j++) dx[(b * ck + c) * hw + j] = dy[(b * total + first + c) * hw + j];
      }
    }
    first += ck;
    return dx;
  });
}
