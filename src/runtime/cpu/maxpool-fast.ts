import type { MaxPoolGeometry } from './maxpool.ts';

// Max pool for the cpu backend's float32 tensors: the twin's window scan (first
// maximum, padding never a candidate, the first NaN wins) inlined in monomorphic
// loops. Backward finds the same argmax again and sends dy there.

/** Index in x of each output's maximum. */
function argmaxes(x: Float32Array, g: MaxPoolGeometry): Int32Array {
  const { h: H, w: W, oh: OH, ow: OW, kernel, stride, pad } = g;
  const where = new Int32Array(g.n * g.c * OH * OW);
  for (let nc = 0, out = 0; nc < g.n * g.c; nc++) {
    const plane = nc * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(oy * stride - pad, 0);
      const y1 = Math.min(oy * stride - pad + kernel, H);
      for (let ox = 0; ox < OW; ox++, out++) {
        const x0 = Math.max(ox * stride - pad, 0);
        const x1 = Math.min(ox * stride - pad + kernel, W);
        let bestAt = plane + y0 * W + x0;
        let best = x[bestAt];
        for (let iy = y0; iy < y1 && best === best; iy++) {
          for (let at = plane + iy * W + x0, end = plane + iy * W + x1; at < end; at++) {
            const v = x[at];
            if (v > best || v !== v) {
              best = v;
              bestAt = at;
              if (v !== v) break;
            }
          }
        }
        where[out] = bestAt;
      }
    }
  }
  return where;
}

export function maxpoolFwdFast(x: Float32Array, g: MaxPoolGeometry): Float32Array {
  const where = argmaxes(x, g);
  const y = new Float32Array(where.length);
  for (let i = 0; i < where.length; i++) y[i] = x[where[i]];
  return y;
}

export function maxpoolBwdFast(x: Float32Array, dy: Float32Array, g: MaxPoolGeometry): Float32Array {
  const where = argmaxes(x, g);
  const dx = new Float32Array(x.length);
  for (let i = 0; i < where.length; i++) dx[where[i]] += dy[i];
  return dx;
}
