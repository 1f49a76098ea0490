import { isPointwise, type Conv2dGeometry } from '../ops/conv2d-shapes.ts';
import { packPanels } from './gemm-panels.ts';

// The conv2d column matrix of a block of output pixels, col[k, q] = x[n, c, iy, ix] for tap
// k = (c, ky, kx) and pixel p0 + q = (oy, ox), with iy = oy·sh − ph + ky, ix = ox·sw − pw + kx
// (0 in the padding), written straight into a GEMM operand (gemm.ts):
//   im2colTapPanels  panels whose rows are taps: element (k, q) at (k >> 2)·4·count + 4q + (k & 3)
//   im2colRows       dense rows of ldb floats:   element (k, q) at k·ldb + q

export function im2colTapPanels(x: Float32Array, xn: number, g: Conv2dGeometry, p0: number, count: number, out: Float32Array): void {
  if (isPointwise(g)) packPanels(x, xn + p0, g.c, count, g.h * g.w, 1, out);
  else im2col(x, xn, g, p0, count, out, 4 * count, 1, 16, 4);
}

export function im2colRows(x: Float32Array, xn: number, g: Conv2dGeometry, p0: number, count: number, out: Float32Array, ldb: number): void {
  const { c: C, h: H, w: W } = g;
  if (isPointwise(g)) {
    for (let c = 0; c < C; c++) out.set(x.subarray(xn + c * H * W + p0, xn + c * H * W + p0 + count), c * ldb);
  } else im2col(x, xn, g, p0, count, out, 4 * ldb, ldb, 4, 1);
}

/** Element (k, q) at (k >> 2)·kPanel + (k & 3)·kUnit + (q >> 2)·qs + (q & 3)·qu. */
function im2col(x: Float32Array, xn: number, g: Conv2dGeometry, p0: number, count: number, out: Float32Array, kPanel: number, kUnit: number, qs: number, qu: number): void {
  const { c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, ph, pw, ow: OW } = g;
  const oy0 = Math.floor(p0 / OW);
  const ox0 = p0 % OW;
  let k = 0;
  for (let c = 0; c < C; c++) {
    const xc = xn + c * H * W;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++, k++) {
        const base = (k >> 2) * kPanel + (k & 3) * kUnit;
        // One output row at a time: padding on the left [q, qa), the image [qa, qb), padding on the right [qb, end).
        for (let q = 0, oy = oy0, ox = ox0; q < count; oy++, ox = 0) {
          const end = Math.min(count, q + OW - ox);
          const iy = oy * sh - ph + ky;
          const ix = ox * sw - pw + kx;
          const inRows = iy >= 0 && iy < H;
          const qa = inRows ? Math.min(end, q + Math.max(0, Math.ceil(-ix / sw))) : end;
          const qb = inRows ? Math.max(qa, Math.min(end, q + Math.ceil((W - ix) / sw))) : end;
          let at = xc + iy * W + ix + (qa - q) * sw;
          for (; q < qa; q++) out[base + (q >> 2) * qs + (q & 3) * qu] = 0;
          for (; q < qb; q++, at += sw) out[base + (q >> 2) * qs + (q & 3) * qu] = x[at];
          for (; q < end; q++) out[base + (q >> 2) * qs + (q & 3) * qu] = 0;
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
