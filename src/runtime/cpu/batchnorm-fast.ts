import type { BatchStats, BnDims } from './batchnorm.ts';
import { outputF32 } from './parallel.ts';

// Batch norm for the cpu backend's float32 tensors: the twin's formulas in monomorphic
// loops over each (n, c) plane, no per-element closures, sums in float64. The affine
// passes fold the per-channel constants first: y = x·scale + shift with scale = invStd·gamma,
// shift = beta − mean·scale; dx = dy·k − (x − mean)·kx − k0 with k = gamma·invStd.

/** Calls f(c, start) for each (n, c) plane of x, n outer: f reads x[start .. start + plane). */
function planes(d: BnDims, f: (c: number, start: number) => void): void {
  for (let n = 0, start = 0; n < d.batch; n++) for (let c = 0; c < d.channels; c++, start += d.plane) f(c, start);
}

export function batchStatsFast(x: Float32Array, d: BnDims, eps: number): BatchStats {
  const { channels: C, plane: P } = d;
  const sums = new Float64Array(C);
  planes(d, (c, start) => {
    let s = 0;
    for (let i = start; i < start + P; i++) s += x[i];
    sums[c] += s;
  });
  const count = d.batch * P;
  const mean = new Float32Array(C);
  const m64 = sums.map((s) => s / count);
  const squares = new Float64Array(C);
  planes(d, (c, start) => {
    const m = m64[c];
    let s = 0;
    for (let i = start; i < start + P; i++) {
      const v = x[i] - m;
      s += v * v;
    }
    squares[c] += s;
  });
  const invStd = new Float32Array(C);
  const unbiasedVar = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    mean[c] = m64[c];
    invStd[c] = 1 / Math.sqrt(squares[c] / count + eps);
    unbiasedVar[c] = squares[c] / (count - 1);
  }
  return { mean, invStd, unbiasedVar };
}

/** y = (x − mean)·invStd·gamma + beta, per channel. */
export function bnNormalizeFast(x: Float32Array, d: BnDims, mean: Float32Array, invStd: Float32Array, gamma: Float32Array, beta: Float32Array): Float32Array {
  const y = outputF32(x.length);
  const P = d.plane;
  planes(d, (c, start) => {
    const scale = invStd[c] * gamma[c];
    const shift = beta[c] - mean[c] * scale;
    for (let i = start; i < start + P; i++) y[i] = x[i] * scale + shift;
  });
  return y;
}

/** dgamma = Σ dy·x̂ and dbeta = Σ dy per channel, one pass. */
export function bnAffineGradsFast(x: Float32Array, dy: Float32Array, d: BnDims, mean: Float32Array, invStd: Float32Array): { dgamma: Float32Array; dbeta: Float32Array } {
  const C = d.channels;
  const P = d.plane;
  const sumDy = new Float64Array(C);
  const sumDyXc = new Float64Array(C);
  planes(d, (c, start) => {
    const m = mean[c];
    let s = 0;
    let sx = 0;
    for (let i = start; i < start + P; i++) {
      const g = dy[i];
      s += g;
      sx += g * (x[i] - m);
    }
    sumDy[c] += s;
    sumDyXc[c] += sx;
  });
  return { dgamma: Float32Array.from(sumDyXc, (s, c) => s * invStd[c]), dbeta: Float32Array.from(sumDy) };
}

/** Training mode: dx = gamma·invStd·(dy − (dbeta + x̂·dgamma) / count). */
export function bnInputGradTrainingFast(x: Float32Array, dy: Float32Array, d: BnDims, mean: Float32Array, invStd: Float32Array,
  gamma: Float32Array, dgamma: Float32Array, dbeta: Float32Array): Float32Array {
  const dx = outputF32(x.length);
  const count = d.batch * d.plane;
  const P = d.plane;
  planes(d, (c, start) => {
    const k = gamma[c] * invStd[c];
    const kx = (k * invStd[c] * dgamma[c]) / count;
    const k0 = (k * dbeta[c]) / count - mean[c] * kx;
    for (let i = start; i < start + P; i++) dx[i] = dy[i] * k - x[i] * kx - k0;
  });
  return dx;
}

/** Inference mode: dx = dy·gamma·invStd. */
export function bnInputGradInferenceFast(dy: Float32Array, d: BnDims, invStd: Float32Array, gamma: Float32Array): Float32Array {
  const dx = outputF32(dy.length);
  const P = d.plane;
  planes(d, (c, start) => {
    const k = gamma[c] * invStd[c];
    for (let i = start; i < start + P; i++) dx[i] = dy[i] * k;
  });
  return dx;
}
