import { activateRange, activationGradRange } from './activation-fast.ts';
import { outputF32 } from './parallel.ts';

// ELU for the cpu backend's float32 tensors: α = 1 (the nets') by activation-fast.ts
// (SIMD, threaded), forward and backward; other α in a monomorphic loop (the twins also see
// float64). Backward reads the saved output instead of calling exp: for x ≤ 0, α·eˣ = y + α.

export function eluFwdFast(x: Float32Array, alpha: number): Float32Array {
  const y = outputF32(x.length);
  if (alpha === 1) activateRange(x, 0, y, 0, x.length, 'elu');
  else for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : alpha * (Math.exp(x[i]) - 1);
  return y;
}

export function eluBwdFast(x: Float32Array, y: Float32Array, dy: Float32Array, alpha: number): Float32Array {
  const dx = outputF32(x.length);
  if (alpha === 1) activationGradRange(y, dy, 0, dx, 0, x.length, 'elu');
  else for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha);
  return dx;
}
