import { zerosLike, type Arr } from '../host-tensor.ts';
import type { ConvTranspose2dGeometry } from '../ops/conv-transpose2d.ts';

// The reference twin, in the scatter form that defines a transposed convolution:
// every input pixel x[n,ci,iy,ix] stamps the kernel w[ci,:,:,:], scaled by itself,
// onto the output at (iy·sh - ph, ix·sw - pw); the part that falls outside is cut off.
// Sums are kept in float64 and rounded to the input's precision once at the end.

function rounded(like: Arr, sums: Float64Array): Arr {
  const out = zerosLike(like, sums.length);
  out.set(sums);
  return out;
}

export function convTranspose2dFwd(x: Arr, w: Arr, b: Arr, g: ConvTranspose2dGeometry): Arr {
  const { batch, cin, ih, iw, cout, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  const y = new Float64Array(batch * cout * oh * ow);
  for (let n = 0; n < batch; n++) {
    for (let co = 0; co < cout; co++) {
      for (let p = 0; p < oh * ow; p++) y[(n * cout + co) * oh * ow + p] = b[co];
    }
    for (let ci = 0; ci < cin; ci++) {
      for (let co = 0; co < cout; co++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const wv = w[((ci * cout + co) * kh + ky) * kw + kx];
            for (let iy = 0; iy < ih; iy++) {
              const oy = iy * sh - ph + ky;
              if (oy < 0 || oy >= oh) continue;
              const yRow = ((n * cout + co) * oh + oy) * ow;
              const xRow = ((n * cin + ci) * ih + iy) * iw;
              for (let ix = 0; ix < iw; ix++) {
                const ox = ix * sw - pw + kx;
                if (ox < 0 || ox >= ow) continue;
                y[yRow + ox] += x[xRow + ix] * wv;
              }
            }
          }
        }
      }
    }
  }
  return rounded(x, y);
}

/** The same loop nest, run backwards: each (input pixel, kernel tap) pair passes dy to dx and dw. */
export function convTranspose2dBwd(x: Arr, w: Arr, dy: Arr, g: ConvTranspose2dGeometry): { dx: Arr; dw: Arr; db: Arr } {
  const { batch, cin, ih, iw, cout, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  const db = new Float64Array(cout);
  for (let n = 0; n < batch; n++) {
    for (let co = 0; co < cout; co++) {
      for (let p = 0; p < oh * ow; p++) db[co] += dy[(n * cout + co) * oh * ow + p];
    }
    for (let ci = 0; ci < cin; ci++) {
      for (let co = 0; co < cout; co++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const wi = ((ci * cout + co) * kh + ky) * kw + kx;
            for (let iy = 0; iy < ih; iy++) {
              const oy = iy * sh - ph + ky;
              if (oy < 0 || oy >= oh) continue;
              const dyRow = ((n * cout + co) * oh + oy) * ow;
              const xRow = ((n * cin + ci) * ih + iy) * iw;
              for (let ix = 0; ix < iw; ix++) {
                const ox = ix * sw - pw + kx;
                if (ox < 0 || ox >= ow) continue;
                const d = dy[dyRow + ox];
                dx[xRow + ix] += d * w[wi];
                dw[wi] += d * x[xRow + ix];
              }
            }
          }
        }
      }
    }
  }
  return { dx: rounded(x, dx), dw: rounded(x, dw), db: rounded(x, db) };
}
