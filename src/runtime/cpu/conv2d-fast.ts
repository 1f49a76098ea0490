import type { Arr } from '../host-tensor.ts';
import type { Conv2dGeometry } from '../ops/conv2d-shapes.ts';
import { gemmPanels, packPanels, panelSize } from './gemm-panels.ts';

// conv2d on the CPU as im2col + a register-blocked GEMM, one image at a time:
//   y[n]   [O, P]   = W [O, K] · col [K, P]         (K = C·KH·KW taps, P = OH·OW pixels)
//   dcol   [K, P]   = Wᵀ · dy[n], scattered back into dx[n] (col2im)
//   dW     [O, K]  += dy[n] · colᵀ
// A 1×1 convolution with stride 1 and no padding needs no col: col is x[n] itself.

const isPointwise = (g: Conv2dGeometry) => g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0;

/**
 * im2col straight into GEMM panels whose rows are taps: col[k, p] = x[n, c, oy·sh − ph + ky,
 * ox·sw − pw + kx] for tap k = (c, ky, kx) and pixel p = (oy, ox), 0 in the padding.
 */
export function im2colByTap(x: Float32Array, n: number, g: Conv2dGeometry, out: Float64Array): Float64Array {
  const { c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, ph, pw, oh: OH, ow: OW } = g;
  const P = OH * OW;
  out.fill(0, panelSize(C * KH * KW, P) - 4 * P);
  let k = 0;
  for (let c = 0; c < C; c++) {
    const xc = (n * C + c) * H * W;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++, k++) {
        let i = (k >> 2) * 4 * P + (k & 3); // element (k, p) is at i + 4p
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * sh - ph + ky;
          const rowOk = iy >= 0 && iy < H;
          const xrow = xc + iy * W;
          for (let ox = 0; ox < OW; ox++, i += 4) {
            const ix = ox * sw - pw + kx;
            out[i] = rowOk && ix >= 0 && ix < W ? x[xrow + ix] : 0;
          }
        }
      }
    }
  }
  return out;
}

/** dx[n] += the taps of dcol added back to the input positions they were read from. */
function col2imAdd(dcol: Float32Array, dx: Float32Array, n: number, g: Conv2dGeometry): void {
  const { c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, ph, pw, oh: OH, ow: OW } = g;
  let i = 0;
  for (let c = 0; c < C; c++) {
    const xc = (n * C + c) * H * W;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * sh - ph + ky;
          if (iy < 0 || iy >= H) {
            i += OW;
            continue;
          }
          const xrow = xc + iy * W;
          for (let ox = 0; ox < OW; ox++, i++) {
            const ix = ox * sw - pw + kx;
            if (ix >= 0 && ix < W) dx[xrow + ix] += dcol[i];
          }
        }
      }
    }
  }
}

const f32 = (a: Arr): Float32Array => (a instanceof Float32Array ? a : Float32Array.from(a));

/** The 4 pixels p0 .. p0+3 of image n as one GEMM panel: panel[k·4 + j] = col[k, p0 + j]. */
function im2colPanel(x: Float32Array, n: number, g: Conv2dGeometry, p0: number, panel: Float64Array): void {
  const { c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, ph, pw, oh: OH, ow: OW } = g;
  panel.fill(0);
  for (let j = 0; j < 4 && p0 + j < OH * OW; j++) {
    const iy0 = Math.floor((p0 + j) / OW) * sh - ph;
    const ix0 = ((p0 + j) % OW) * sw - pw;
    let i = j;
    for (let c = 0; c < C; c++) {
      const xc = (n * C + c) * H * W;
      for (let ky = 0; ky < KH; ky++) {
        const iy = iy0 + ky;
        if (iy < 0 || iy >= H) {
          i += 4 * KW;
          continue;
        }
        const xrow = xc + iy * W;
        for (let kx = 0; kx < KW; kx++, i += 4) {
          const ix = ix0 + kx;
          if (ix >= 0 && ix < W) panel[i] = x[xrow + ix];
        }
      }
    }
  }
}

export function conv2dFwdFast(xa: Arr, wa: Arr, ba: Arr, g: Conv2dGeometry): Float32Array {
  const x = f32(xa);
  const { n: N, c: C, o: O, h: H, w: W, oh: OH, ow: OW } = g;
  const K = C * g.kh * g.kw;
  const P = OH * OW;
  const y = new Float32Array(N * O * P);
  const wPanels = packPanels(f32(wa), 0, O, K, K, 1);
  // The pixels' panels are built one at a time, used against every weight panel while in L1.
  const panel = new Float64Array(4 * K);
  for (let n = 0; n < N; n++) {
    const yn = n * O * P;
    for (let o = 0; o < O; o++) y.fill(ba[o], yn + o * P, yn + (o + 1) * P);
    for (let p0 = 0; p0 < P; p0 += 4) {
      if (isPointwise(g)) packPanels(x, n * C * H * W + p0, Math.min(4, P - p0), K, 1, P, panel);
      else im2colPanel(x, n, g, p0, panel);
      gemmPanels(wPanels, panel, O, Math.min(4, P - p0), K, y, yn + p0, P);
    }
  }
  return y;
}

export function conv2dBwdFast(xa: Arr, wa: Arr, dya: Arr, g: Conv2dGeometry): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
  const x = f32(xa);
  const dy = f32(dya);
  const { n: N, c: C, o: O, h: H, w: W, oh: OH, ow: OW } = g;
  const K = C * g.kh * g.kw;
  const P = OH * OW;
  const dx = new Float32Array(N * C * H * W);
  const dw = new Float32Array(O * K);
  const db = new Float32Array(O);
  const pointwise = isPointwise(g);
  const wtPanels = packPanels(f32(wa), 0, K, O, 1, K);
  const dyByPixel = new Float64Array(panelSize(P, O));
  const dyByChannel = new Float64Array(panelSize(O, P));
  const colByTap = new Float64Array(panelSize(K, P));
  const dcol = pointwise ? null : new Float32Array(K * P);
  for (let n = 0; n < N; n++) {
    const dyn = n * O * P;
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (let p = dyn + o * P; p < dyn + (o + 1) * P; p++) s += dy[p];
      db[o] += s;
    }
    packPanels(dy, dyn, P, O, 1, P, dyByPixel);
    if (dcol) {
      dcol.fill(0);
      gemmPanels(wtPanels, dyByPixel, K, P, O, dcol, 0, P);
      col2imAdd(dcol, dx, n, g);
    } else {
      gemmPanels(wtPanels, dyByPixel, K, P, O, dx, n * C * H * W, P);
    }
    if (pointwise) packPanels(x, n * C * H * W, K, P, P, 1, colByTap);
    else im2colByTap(x, n, g, colByTap);
    gemmPanels(packPanels(dy, dyn, O, P, P, 1, dyByChannel), colByTap, O, K, P, dw, 0, K);
  }
  return { dx, dw, db };
}
