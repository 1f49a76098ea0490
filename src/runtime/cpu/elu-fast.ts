// ELU for the cpu backend's float32 tensors: monomorphic loops (the twins also see
// float64), and a backward that reads the saved output instead of calling exp:
// for x ≤ 0, α·eˣ = y + α.

export function eluFwdFast(x: Float32Array, alpha: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = v > 0 ? v : alpha * (Math.exp(v) - 1);
  }
  return y;
}

export function eluBwdFast(x: Float32Array, y: Float32Array, dy: Float32Array, alpha: number): Float32Array {
  const dx = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha);
  return dx;
}
