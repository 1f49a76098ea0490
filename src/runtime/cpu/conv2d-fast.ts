import type { Arr } from '../host-tensor.ts';
import { isPointwise, type Conv2dGeometry } from '../ops/conv2d-shapes.ts';
import { gemm } from './gemm.ts';
import { packPanels, panelSize } from './gemm-panels.ts';
import { col2imBlock, im2colRows, im2colTapPanels } from './im2col.ts';
import { outputF32, parallelFor, sharedF32, sharedTemp, toShared, type Task } from './parallel.ts';
import { scratch32 } from './scratch.ts';
import { sumParts } from './sum-parts.ts';

// conv2d on the CPU as im2col + the fast GEMM (gemm.ts), a block of output pixels at a time:
//   y[n]   [O, P]   = W [O, K] · col [K, P]         (K = C·KH·KW taps, P = OH·OW pixels)
//   dcol   [K, P]   = Wᵀ · dy[n], scattered back into dx[n] (col2im)
//   dW     [O, K]   = Σₙ dy[n] · colᵀ
// Forward work items are (image, pixel block); backward items are images, each writing
// its own dx and its own part of dW and db, summed in image order afterwards. im2col and
// the other packings write straight into the GEMM's operand buffers; the weight panels,
// packed once, are copied there per item.

/** Pixels per block: the block's columns stay in L2 while every GEMM panel passes over them. */
const BLOCK = 128;

/** Pixels per block, a multiple of 8: about 16 Ki column values (at least BLOCK pixels), so few-tap convs (conv1) do not pay per-row copies on tiny GEMMs. */
function pixelBlock(P: number, K: number): number {
  const blocks = Math.ceil(P / Math.max(BLOCK, 8 * Math.floor(2048 / K)));
  return 8 * Math.ceil(P / blocks / 8);
}

const taps = (g: Conv2dGeometry) => g.c * g.kh * g.kw;

interface FwdArgs { x: Float32Array; wPanels: Float32Array; b: Float32Array; y: Float32Array; g: Conv2dGeometry }

export const conv2dFwdTask: Task<FwdArgs> = {
  name: 'conv2d.fwd',
  run({ x, wPanels, b, y, g }, item) {
    const P = g.oh * g.ow;
    const K = taps(g);
    const block = pixelBlock(P, K);
    const blocks = Math.ceil(P / block);
    const n = Math.floor(item / blocks);
    const p0 = (item % blocks) * block;
    const count = Math.min(block, P - p0);
    const ops = gemm.operands(g.o, count, K, true);
    ops.a.set(wPanels);
    im2colRows(x, n * g.c * g.h * g.w, g, p0, count, ops.b, ops.ldb);
    const yn = n * g.o * P + p0;
    for (let o = 0; o < g.o; o++) y.fill(b[o], yn + o * P, yn + o * P + count);
    gemm.run(g.o, count, K, y, yn, P);
  },
};

/** How many items a forward job of geometry g has. */
export const conv2dFwdItems = (g: Conv2dGeometry): number => g.n * Math.ceil((g.oh * g.ow) / pixelBlock(g.oh * g.ow, taps(g)));

export function conv2dFwdFast(x: Arr, w: Arr, b: Arr, g: Conv2dGeometry): Float32Array {
  const K = taps(g);
  const P = g.oh * g.ow;
  const wPanels = packPanels(toShared(w), 0, g.o, K, K, 1, sharedTemp('conv2d.wPanels', panelSize(g.o, K)));
  const args = { x: toShared(x), wPanels, b: toShared(b), y: outputF32(g.n * g.o * P), g };
  parallelFor(conv2dFwdTask, args, conv2dFwdItems(g));
  return args.y;
}

interface BwdArgs { x: Float32Array; dy: Float32Array; wtPanels: Float32Array; dx: Float32Array | null; dwParts: Float32Array; dbParts: Float32Array; g: Conv2dGeometry }

export const conv2dBwdTask: Task<BwdArgs> = {
  name: 'conv2d.bwd',
  run({ x, dy, wtPanels, dx, dwParts, dbParts, g }, n) {
    const { o: O } = g;
    const K = taps(g);
    const P = g.oh * g.ow;
    const xn = n * g.c * g.h * g.w;
    const dyn = n * O * P;
    dwParts.fill(0, n * O * K, (n + 1) * O * K);
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (let p = dyn + o * P; p < dyn + (o + 1) * P; p++) s += dy[p];
      dbParts[n * O + o] = s;
    }
    const block = pixelBlock(P, K);
    for (let p0 = 0; p0 < P; p0 += block) {
      const count = Math.min(block, P - p0);
      if (dx) {
        // dcol = Wᵀ · dy: A = wᵀ panels, B = dy's rows
        const ops = gemm.operands(K, count, O, true);
        ops.a.set(wtPanels);
        for (let o = 0; o < O; o++) ops.b.set(dy.subarray(dyn + o * P + p0, dyn + o * P + p0 + count), o * ops.ldb);
        if (isPointwise(g)) gemm.run(K, count, O, dx, xn + p0, P);
        else {
          const dcol = scratch32('conv2d.dcol', K * count);
          dcol.fill(0, 0, K * count);
          gemm.run(K, count, O, dcol, 0, count);
          col2imBlock(dcol, dx, xn, g, p0, count);
        }
      }
      // dW += dy · colᵀ: A = dy by channel, B = col by tap
      const ops = gemm.operands(O, K, count);
      packPanels(dy, dyn + p0, O, count, P, 1, ops.a);
      im2colTapPanels(x, xn, g, p0, count, ops.b);
      gemm.run(O, K, count, dwParts, n * O * K, K);
    }
  },
};

/** dx (added to `dx` when given: fire_expand's two branches share one; none when null), dw and db. */
export function conv2dBwdFast(x: Arr, w: Arr, dy: Arr, g: Conv2dGeometry, dx: Float32Array | null = sharedF32(g.n * g.c * g.h * g.w)): { dx: Float32Array | null; dw: Float32Array; db: Float32Array } {
  const K = taps(g);
  const wtPanels = packPanels(toShared(w), 0, K, g.o, 1, K, sharedTemp('conv2d.wtPanels', panelSize(K, g.o)));
  const args = {
    x: toShared(x), dy: toShared(dy), wtPanels, g,
    dx, dwParts: sharedTemp('conv2d.dwParts', g.n * g.o * K), dbParts: sharedTemp('conv2d.dbParts', g.n * g.o),
  };
  parallelFor(conv2dBwdTask, args, g.n);
  return { dx: args.dx, dw: sumParts(args.dwParts, g.n), db: sumParts(args.dbParts, g.n) };
}
