import type { Conv2dGeometry } from '../ops/conv2d-shapes.ts';

// The conv2d column matrix of a block of output pixels, col[k, q] = x[n, c, iy, ix] for tap
// k = (c, ky, kx) and pixel p0 + q = (oy, ox), with iy = oy·sh − ph + ky, ix = ox·sw − pw + kx
// (0 in the padding), written straight into GEMM panels (gemm-panels.ts):
//   byTap   rows are taps:   element (k, q) at (k >> 2)·4·count + 4q + (k & 3)
//   byPixel rows are pixels: element (k, q) at (q >> 2)·4·K + 4k + (q & 3)

export function im2colBlock(x: Float32Array, xn: number, g: Conv2dGeometry, p0: number, count: number, out: Float32Array, byTap: boolean): void {
  const { c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, ph, pw, ow: OW } = g;
  const K = C * KH * KW;
  const qs = byTap ? 16 : 4 * K;
  const qu = byTap ? 4 : 1;
  const oy0 = Math.floor(p0 / OW);
  const ox0 = p0 % OW;
  let k = 0;
  for (let c = 0; c < C; c++) {
    const xc = xn + c * H * W;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++, k++) {
        const base = byTap ? (k >> 2) * 4 * count + (k & 3) : 4 * k;
        let ox = ox0;
        let iy = oy0 * sh - ph + ky;
        let ix = ox0 * sw - pw + kx;
        for (let q = 0; q < count; q++) {
          out[base + (q >> 2) * qs + (q & 3) * qu] = iy >= 0 && iy < H && ix >= 0 && ix < W ? x[xc + iy * W + ix] : 0;
          ix += sw;
          if (++ox === OW) {
            ox = 0;
            ix = kx - pw;
            iy += sh;
          }
        }
      }
    }
  }
}

/** dx[n] += each dcol[k, q] (row-major, count columns) added back to the input position it was read from. */
export function col2imBlock(dcol: Float32Array, dx: Float32Array, xn: number, g: Conv2dGeometry, p0: number, count: number): void {
  const { c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, ph, pw, ow: OW } = g;
  const oy0 = Math.floor(p0 / OW);
  const ox0 = p0 % OW;
  let i = 0;
  for (let c = 0; c < C; c++) {
    const xc = xn + c * H * W;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        let ox = ox0;
        let iy = oy0 * sh - ph + ky;
        let ix = ox0 * sw - pw + kx;
        for (let q = 0; q < count; q++, i++) {
          if (iy >= 0 && iy < H && ix >= 0 && ix < W) dx[xc + iy * W + ix] += dcol[i];
          ix += sw;
          if (++ox === OW) {
            ox = 0;
            ix = kx - pw;
            iy += sh;
          }
        }
      }
    }
  }
}
