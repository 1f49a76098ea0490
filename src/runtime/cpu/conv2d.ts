import { zerosLike, type Arr } from '../host-tensor.ts';
import type { Conv2dGeometry } from '../ops/conv2d-shapes.ts';

// The reference twin: one loop per index, taps that land in the padding skipped.
// Input row iy = oy·sh − ph + ky, column ix = ox·sw − pw + kx.

export function conv2dFwd(x: Arr, w: Arr, b: Arr, g: Conv2dGeometry): Arr {
  const { n: N, c: C, h: H, w: W, o: O, kh: KH, kw: KW, sh, sw, ph, pw, oh: OH, ow: OW } = g;
  const y = zerosLike(x, N * O * OH * OW);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let sum = b[o];
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * sh - ph + ky;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * sw - pw + kx;
                if (ix < 0 || ix >= W) continue;
                sum += w[((o * C + c) * KH + ky) * KW + kx] * x[((n * C + c) * H + iy) * W + ix];
              }
            }
          }
          y[((n * O + o) * OH + oy) * OW + ox] = sum;
        }
      }
    }
  }
  return y;
}

/** Gradients of x, w and b: each output gradient is scattered back along the taps that produced it. */
export function conv2dBwd(x: Arr, w: Arr, dy: Arr, g: Conv2dGeometry): { dx: Arr; dw: Arr; db: Arr } {
  const { n: N, c: C, h: H, w: W, o: O, kh: KH, kw: KW, sh, sw, ph, pw, oh: OH, ow: OW } = g;
  const dx = zerosLike(x, x.length);
  const dw = zerosLike(x, w.length);
  const db = zerosLike(x, O);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const d = dy[((n * O + o) * OH + oy) * OW + ox];
          db[o] += d;
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * sh - ph + ky;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * sw - pw + kx;
                if (ix < 0 || ix >= W) continue;
                const wi = ((o * C + c) * KH + ky) * KW + kx;
                const xi = ((n * C + c) * H + iy) * W + ix;
                dx[xi] += w[wi] * d;
                dw[wi] += x[xi] * d;
              }
            }
          }
        }
      }
    }
  }
  return { dx, dw, db };
}
