import { zerosLike, type Arr } from '../host-tensor.ts';
import type { ConvTranspose2dGeometry } from '../ops/conv-transpose2d.ts';

// The cpu backend's conv_transpose2d, as matrix products per image. Seen as a
// matrix, w is [Cin, R] with R = Cout·KH·KW rows "r = (co, ky, kx)", and one image
// of x is [Cin, P] with P = H·W pixels. Forward is col = wᵀ·x ([R, P]) followed by
// col2im (each col[r, p] lands on one output pixel, or outside it); backward
// gathers dy into the same [R, P] layout (im2col) and then dx = w·dcol,
// dw += x·dcolᵀ. Inner loops run over contiguous rows of P.

/** Calls visit(r, p, o) for every (kernel row, input pixel) pair whose output pixel o = (co, oy, ox) exists. */
function forEachTap(g: ConvTranspose2dGeometry, visit: (r: number, p: number, o: number) => void): void {
  const { ih, iw, cout, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  for (let co = 0; co < cout; co++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const r = (co * kh + ky) * kw + kx;
        for (let iy = 0; iy < ih; iy++) {
          const oy = iy * sh - ph + ky;
          if (oy < 0 || oy >= oh) continue;
          for (let ix = 0; ix < iw; ix++) {
            const ox = ix * sw - pw + kx;
            if (ox >= 0 && ox < ow) visit(r, iy * iw + ix, (co * oh + oy) * ow + ox);
          }
        }
      }
    }
  }
}

export function convTranspose2dFwdFast(x: Arr, w: Arr, b: Arr, g: ConvTranspose2dGeometry): Arr {
  const { batch, cin, ih, iw, cout, kh, kw, oh, ow } = g;
  const R = cout * kh * kw;
  const P = ih * iw;
  const O = cout * oh * ow;
  const col = new Float64Array(R * P);
  const y = zerosLike(x, batch * O);
  const sums = new Float64Array(O);
  for (let n = 0; n < batch; n++) {
    col.fill(0);
    // Four input channels per pass over col: a quarter of the loads and stores of col.
    for (let ci = 0; ci < cin; ci += 4) {
      // Channels past cin get weight 0 and read channel ci.
      const x0 = (n * cin + ci) * P;
      const x1 = ci + 1 < cin ? x0 + P : x0;
      const x2 = ci + 2 < cin ? x0 + 2 * P : x0;
      const x3 = ci + 3 < cin ? x0 + 3 * P : x0;
      for (let r = 0; r < R; r++) {
        const w0 = w[ci * R + r];
        const w1 = ci + 1 < cin ? w[(ci + 1) * R + r] : 0;
        const w2 = ci + 2 < cin ? w[(ci + 2) * R + r] : 0;
        const w3 = ci + 3 < cin ? w[(ci + 3) * R + r] : 0;
        const ro = r * P;
        for (let p = 0; p < P; p++) col[ro + p] += w0 * x[x0 + p] + w1 * x[x1 + p] + w2 * x[x2 + p] + w3 * x[x3 + p];
      }
    }
    for (let co = 0; co < cout; co++) sums.fill(b[co], co * oh * ow, (co + 1) * oh * ow);
    forEachTap(g, (r, p, o) => {
      sums[o] += col[r * P + p];
    });
    y.set(sums, n * O);
  }
  return y;
}

export function convTranspose2dBwdFast(x: Arr, w: Arr, dy: Arr, g: ConvTranspose2dGeometry): { dx: Arr; dw: Arr; db: Arr } {
  const { batch, cin, ih, iw, cout, kh, kw, oh, ow } = g;
  const R = cout * kh * kw;
  const P = ih * iw;
  const O = cout * oh * ow;
  const dcol = new Float64Array(R * P);
  const acc = new Float64Array(P);
  const dwSums = new Float64Array(cin * R);
  const dbSums = new Float64Array(cout);
  const dx = zerosLike(x, x.length);
  for (let n = 0; n < batch; n++) {
    const dyo = n * O;
    for (let co = 0; co < cout; co++) {
      for (let q = 0; q < oh * ow; q++) dbSums[co] += dy[dyo + co * oh * ow + q];
    }
    dcol.fill(0);
    forEachTap(g, (r, p, o) => {
      dcol[r * P + p] = dy[dyo + o];
    });
    for (let ci = 0; ci < cin; ci++) {
      const xo = (n * cin + ci) * P;
      const wo = ci * R;
      acc.fill(0);
      // Four rows of dcol per pass: dx takes their weighted sum, dw their dot products with x.
      for (let r = 0; r < R; r += 4) {
        // Rows past R get weight 0 and read row r; their dot products are dropped.
        const r0 = r * P;
        const r1 = r + 1 < R ? r0 + P : r0;
        const r2 = r + 2 < R ? r0 + 2 * P : r0;
        const r3 = r + 3 < R ? r0 + 3 * P : r0;
        const w0 = w[wo + r];
        const w1 = r + 1 < R ? w[wo + r + 1] : 0;
        const w2 = r + 2 < R ? w[wo + r + 2] : 0;
        const w3 = r + 3 < R ? w[wo + r + 3] : 0;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let p = 0; p < P; p++) {
          const d0 = dcol[r0 + p], d1 = dcol[r1 + p], d2 = dcol[r2 + p], d3 = dcol[r3 + p];
          const xv = x[xo + p];
          acc[p] += w0 * d0 + w1 * d1 + w2 * d2 + w3 * d3;
          s0 += xv * d0;
          s1 += xv * d1;
          s2 += xv * d2;
          s3 += xv * d3;
        }
        dwSums[wo + r] += s0;
        if (r + 1 < R) dwSums[wo + r + 1] += s1;
        if (r + 2 < R) dwSums[wo + r + 2] += s2;
        if (r + 3 < R) dwSums[wo + r + 3] += s3;
      }
      dx.set(acc, xo);
    }
  }
  const dw = zerosLike(x, w.length);
  dw.set(dwSums);
  const db = zerosLike(x, cout);
  db.set(dbSums);
  return { dx, dw, db };
}
