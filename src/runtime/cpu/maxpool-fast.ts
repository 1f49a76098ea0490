import type { MaxPoolGeometry } from './maxpool.ts';

// Max pool for the cpu backend's float32 tensors, in monomorphic loops over each
// window's in-image rows (padding is never a candidate), the window bounds along x
// computed once per call.
// Forward takes Math.max over the window: no data-dependent branch, and any NaN
// gives NaN, as the twin's "first NaN wins" does (a tie of −0 and 0 gives 0 where the
// twin keeps the first: the same number).
// Backward is given that output and sends dy to the window's first element equal to
// it (the first NaN where it is NaN): the twin's first maximum, found without comparing
// against a running best.

/** Start (inclusive) and end (exclusive) in-image columns of each output column's window. */
function columnSpans(g: MaxPoolGeometry): Int32Array {
  const spans = new Int32Array(2 * g.ow);
  for (let ox = 0; ox < g.ow; ox++) {
    spans[2 * ox] = Math.max(ox * g.stride - g.pad, 0);
    spans[2 * ox + 1] = Math.min(ox * g.stride - g.pad + g.kernel, g.w);
  }
  return spans;
}

export function maxpoolFwdFast(x: Float32Array, g: MaxPoolGeometry): Float32Array {
  const { h: H, w: W, oh: OH, ow: OW, kernel, stride, pad } = g;
  const spans = columnSpans(g);
  const y = new Float32Array(g.n * g.c * OH * OW);
  // 3×3 windows wholly inside the image (the nets' pools): the nine loads straight-line.
  const full3 = kernel === 3;
  for (let nc = 0, out = 0; nc < g.n * g.c; nc++) {
    const plane = nc * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const r0 = plane + Math.max(oy * stride - pad, 0) * W;
      const r1 = plane + Math.min(oy * stride - pad + kernel, H) * W;
      for (let ox = 0; ox < OW; ox++, out++) {
        const x0 = spans[2 * ox];
        const x1 = spans[2 * ox + 1];
        if (full3 && x1 - x0 === 3 && r1 - r0 === 3 * W) {
          const a = r0 + x0;
          const b = a + W;
          const c = b + W;
          y[out] = Math.max(x[a], x[a + 1], x[a + 2], x[b], x[b + 1], x[b + 2], x[c], x[c + 1], x[c + 2]);
          continue;
        }
        let m = -Infinity;
        for (let row = r0; row < r1; row += W) {
          for (let at = row + x0; at < row + x1; at++) m = Math.max(m, x[at]);
        }
        y[out] = m;
      }
    }
  }
  return y;
}

/** dx for dy, given the forward output y of the same x. */
export function maxpoolBwdFast(x: Float32Array, y: Float32Array, dy: Float32Array, g: MaxPoolGeometry): Float32Array {
  const { h: H, w: W, oh: OH, ow: OW, kernel, stride, pad } = g;
  const spans = columnSpans(g);
  const dx = new Float32Array(x.length);
  for (let nc = 0, out = 0; nc < g.n * g.c; nc++) {
    const plane = nc * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const r0 = plane + Math.max(oy * stride - pad, 0) * W;
      const r1 = plane + Math.min(oy * stride - pad + kernel, H) * W;
      for (let ox = 0; ox < OW; ox++, out++) {
        const x0 = spans[2 * ox];
        const x1 = spans[2 * ox + 1];
        const m = y[out];
        const nan = m !== m;
        let found = -1;
        for (let row = r0; row < r1 && found < 0; row += W) {
          for (let at = row + x0; at < row + x1; at++) {
            const v = x[at];
            if (v === m || (nan && v !== v)) {
              found = at;
              break;
            }
          }
        }
        dx[found] += dy[out];
      }
    }
  }
  return dx;
}
