import type { Arr } from '../host-tensor.ts';
import type { ConvTranspose2dGeometry } from '../ops/conv-transpose2d.ts';
import { gemm } from './gemm.ts';
import { packPanels, panelSize } from './gemm-panels.ts';
import { outputF32, parallelFor, sharedF32, sharedTemp, toShared, type Task } from './parallel.ts';
import { scratch32 } from './scratch.ts';
import { sumParts } from './sum-parts.ts';

// The cpu backend's conv_transpose2d, as GEMMs per image (gemm.ts). Seen as a matrix, w is
// [Cin, R] with R = Cout·KH·KW rows "r = (co, ky, kx)", and one image of x is
// [Cin, P] with P = H·W pixels. Forward is col = wᵀ·x ([R, P]) followed by col2im
// (each col[r, p] lands on one output pixel, or outside it); backward gathers dy
// into the same [R, P] layout (dcol) and then dx = w·dcol, dw = Σₙ x·dcolᵀ.
// Forward work items are (image, group of output channels), which own their
// output rows; backward items are images, each with its own part of dw and db.

/** Output channels per forward item: at least 128 rows of col, a multiple of 4 so items start on a panel. */
const channelGroup = (g: ConvTranspose2dGeometry) => 4 * Math.ceil(32 / (g.kh * g.kw));

/** Calls visit(r, p, o) for every (kernel row, input pixel) pair of channels [co0, co1) whose output pixel o = (co, oy, ox) exists. */
function forEachTap(g: ConvTranspose2dGeometry, co0: number, co1: number, visit: (r: number, p: number, o: number) => void): void {
  const { ih, iw, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  for (let co = co0; co < co1; co++) {
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

interface FwdArgs { xPanels: Float32Array; w: Float32Array; b: Float32Array; y: Float32Array; g: ConvTranspose2dGeometry }

export const convTranspose2dFwdTask: Task<FwdArgs> = {
  name: 'conv_transpose2d.fwd',
  run({ xPanels, w, b, y, g }, item) {
    const { cin, cout, kh, kw, oh, ow } = g;
    const P = g.ih * g.iw;
    const R = cout * kh * kw;
    const groups = Math.ceil(cout / channelGroup(g));
    const n = Math.floor(item / groups);
    const co0 = (item % groups) * channelGroup(g);
    const co1 = Math.min(cout, co0 + channelGroup(g));
    const r0 = co0 * kh * kw;
    const rows = (co1 - co0) * kh * kw;
    // A = this group's rows of wᵀ; B in pixel panels (as dense rows, its cin lines a column pair would leave L1)
    const ops = gemm.operands(rows, P, cin);
    packPanels(w, r0, rows, cin, 1, R, ops.a);
    ops.b.set(xPanels.subarray(n * panelSize(P, cin), (n + 1) * panelSize(P, cin)));
    const col = scratch32('convT.col', rows * P);
    col.fill(0, 0, rows * P);
    gemm.run(rows, P, cin, col, 0, P);
    const yn = n * cout * oh * ow;
    for (let co = co0; co < co1; co++) y.fill(b[co], yn + co * oh * ow, yn + (co + 1) * oh * ow);
    scatterCol(col, y, yn, g, co0, co1);
  },
};

/** y[yn + o] += col[r, p] for each tap (r, p) of channels [co0, co1) (col row 0 is channel co0's first tap) whose output pixel o exists. */
function scatterCol(col: Float32Array, y: Float32Array, yn: number, g: ConvTranspose2dGeometry, co0: number, co1: number): void {
  const { ih, iw, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  for (let co = co0, c = 0; co < co1; co++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++, c += ih * iw) {
        // input columns whose output column ix·sw − pw + kx is inside [0, ow)
        const ix0 = Math.max(0, Math.ceil((pw - kx) / sw));
        const ix1 = Math.min(iw, Math.ceil((ow + pw - kx) / sw));
        for (let iy = 0; iy < ih; iy++) {
          const oy = iy * sh - ph + ky;
          if (oy < 0 || oy >= oh) continue;
          const row = yn + (co * oh + oy) * ow - pw + kx;
          for (let ix = ix0, at = c + iy * iw + ix0; ix < ix1; ix++, at++) y[row + ix * sw] += col[at];
        }
      }
    }
  }
}

export function convTranspose2dFwdFast(x: Arr, w: Arr, b: Arr, g: ConvTranspose2dGeometry): Float32Array {
  const P = g.ih * g.iw;
  // Every item of an image reads all of it, packed once: rows are pixels.
  const xs = toShared(x);
  const xPanels = sharedTemp('conv_transpose2d.xPanels', g.batch * panelSize(P, g.cin));
  for (let n = 0; n < g.batch; n++) packPanels(xs, n * g.cin * P, P, g.cin, 1, P, xPanels.subarray(n * panelSize(P, g.cin)));
  const args = { xPanels, w: toShared(w), b: toShared(b), y: outputF32(g.batch * g.cout * g.oh * g.ow), g };
  parallelFor(convTranspose2dFwdTask, args, g.batch * Math.ceil(g.cout / channelGroup(g)));
  return args.y;
}

/** dcol of image n packed into GEMM panels, rows r (byTap) or rows p: element (r, p) = dy[n, o] for the tap's output pixel o, else 0. */
function packDcol(dy: Float32Array, n: number, g: ConvTranspose2dGeometry, out: Float32Array, byTap: boolean): void {
  const R = g.cout * g.kh * g.kw;
  const P = g.ih * g.iw;
  const at = (r: number, p: number) => (byTap ? (r >> 2) * 4 * P + 4 * p + (r & 3) : (p >> 2) * 4 * R + 4 * r + (p & 3));
  out.fill(0, 0, panelSize(byTap ? R : P, byTap ? P : R));
  const dyn = n * g.cout * g.oh * g.ow;
  forEachTap(g, 0, g.cout, (r, p, o) => {
    out[at(r, p)] = dy[dyn + o];
  });
}

interface BwdArgs { x: Float32Array; dy: Float32Array; wPanels: Float32Array; dx: Float32Array; dwParts: Float32Array; dbParts: Float32Array; g: ConvTranspose2dGeometry }

export const convTranspose2dBwdTask: Task<BwdArgs> = {
  name: 'conv_transpose2d.bwd',
  run({ x, dy, wPanels, dx, dwParts, dbParts, g }, n) {
    const { cin, cout, oh, ow } = g;
    const R = cout * g.kh * g.kw;
    const P = g.ih * g.iw;
    dwParts.fill(0, n * cin * R, (n + 1) * cin * R);
    for (let co = 0; co < cout; co++) {
      let s = 0;
      for (let q = (n * cout + co) * oh * ow; q < (n * cout + co + 1) * oh * ow; q++) s += dy[q];
      dbParts[n * cout + co] = s;
    }
    let ops = gemm.operands(cin, P, R);
    ops.a.set(wPanels);
    packDcol(dy, n, g, ops.b, false);
    gemm.run(cin, P, R, dx, n * cin * P, P);
    ops = gemm.operands(cin, R, P);
    packPanels(x, n * cin * P, cin, P, P, 1, ops.a);
    packDcol(dy, n, g, ops.b, true);
    gemm.run(cin, R, P, dwParts, n * cin * R, R);
  },
};

export function convTranspose2dBwdFast(x: Arr, w: Arr, dy: Arr, g: ConvTranspose2dGeometry): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
  const R = g.cout * g.kh * g.kw;
  const wPanels = packPanels(toShared(w), 0, g.cin, R, R, 1, sharedTemp('conv_transpose2d.wPanels', panelSize(g.cin, R)));
  const args = {
    x: toShared(x), dy: toShared(dy), wPanels, g,
    dx: sharedF32(x.length), dwParts: sharedTemp('conv_transpose2d.dwParts', g.batch * g.cin * R), dbParts: sharedTemp('conv_transpose2d.dbParts', g.batch * g.cout),
  };
  parallelFor(convTranspose2dBwdTask, args, g.batch);
  return { dx: args.dx, dw: sumParts(args.dwParts, g.batch), db: sumParts(args.dbParts, g.batch) };
}
