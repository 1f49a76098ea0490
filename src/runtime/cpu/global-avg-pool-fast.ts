import { outputF32 } from './parallel.ts';

// Global average pool for the cpu backend's float32 tensors: monomorphic plane loops
// (float64 sums), and a backward that fills each plane with its one value.

export function globalAvgPoolFwdFast(x: Float32Array, planes: number, hw: number): Float32Array {
  const y = outputF32(planes);
  for (let p = 0, at = 0; p < planes; p++) {
    let sum = 0;
    for (const end = at + hw; at < end; at++) sum += x[at];
    y[p] = sum / hw;
  }
  return y;
}

export function globalAvgPoolBwdFast(dy: Float32Array, planes: number, hw: number): Float32Array {
  const dx = outputF32(planes * hw);
  for (let p = 0; p < planes; p++) dx.fill(dy[p] / hw, p * hw, (p + 1) * hw);
  return dx;
}
