import type { MaxPoolGeometry } from './maxpool.ts';
import { i32, op, v128, wasmModule, type Bytes } from './wasm-emit.ts';

// The nets' max pool (3×3 windows, stride 2, no padding) as WebAssembly SIMD kernels, four
// output columns a vector, one H×W plane a call. JavaScript's Math.max and comparisons branch
// on the data, and random activations mispredict those branches several times a window.
// The plane goes into the module's memory as it is, then copyRows spreads it to rows of
// Wp = 2·OWp + 1 floats (OWp: the output width rounded up to 4; the plane's width if more),
// 2·OH + 1 rows (the plane's if more), the cells past the plane −Infinity: ceil mode's partial
// windows need no special case, as a −Infinity cell never beats an in-image one, and is never
// the first maximum since each window's first cell is in the image.
// For a row at p, the four windows' columns are evens(p..p+7), odds(p..p+7) and the evens
// shifted one lane with p+8 after them.
//   pool(out, rows, groups, wp, owp)       out[oy, ox] = the window's max (rows = OH)
//   argmax(out, rows, groups, wp, owp, w)  out[oy, ox] = the plane index (W wide, unpadded)
//                                          of the window's first maximum, or first NaN
//   copyRows(dst, src, rows, dstStride, srcStride, bytes)
// Addresses and strides are in bytes; groups = OWp / 4.

const [OUT, ROWS, GROUPS, WP, OWP, W] = [0, 1, 2, 3, 4, 5];
const EVENS = [0, 2, 4, 6];
const ODDS = [1, 3, 5, 7];
const SHIFTED = [1, 2, 3, 4];

/** The three columns of row `ptr`'s four windows, each left on the stack through `then`. */
const columns = (ptr: number, e: number, then: (k: number) => Bytes): Bytes => [
  ...op.get(ptr), ...op.load(), ...op.get(ptr), ...op.load(16), ...op.shuffle32(EVENS), ...op.tee(e), ...then(0),
  ...op.get(ptr), ...op.load(), ...op.get(ptr), ...op.load(16), ...op.shuffle32(ODDS), ...then(1),
  ...op.get(e), ...op.get(ptr), ...op.splat(32), ...op.shuffle32(SHIFTED), ...then(2),
];

const addTo = (local: number, value: Bytes): Bytes => [...op.get(local), ...value, ...op.add, ...op.set(local)];

interface Loop { P: number[]; Q: number }

/** rows × groups steps, with P[0..2] at the three window rows and Q at the output; i32 locals from `first`. */
function planeLoop(first: number, step: (at: Loop) => Bytes, rowStart: Bytes = [], rowEnd: Bytes = []): Bytes {
  const [PR, QR, P0, P1, P2, Q, G] = Array.from({ length: 7 }, (_, i) => first + i);
  return [
    ...op.get(OUT), ...op.set(QR),
    ...op.loop,
    ...op.get(PR), ...op.tee(P0), ...op.get(WP), ...op.add, ...op.tee(P1), ...op.get(WP), ...op.add, ...op.set(P2),
    ...op.get(QR), ...op.set(Q), ...op.get(GROUPS), ...op.set(G), ...rowStart,
    ...op.loop,
    ...step({ P: [P0, P1, P2], Q }),
    ...addTo(P0, op.const(32)), ...addTo(P1, op.const(32)), ...addTo(P2, op.const(32)), ...addTo(Q, op.const(16)),
    ...op.get(G), ...op.const(1), ...op.sub, ...op.tee(G), ...op.brIf(0),
    ...op.end,
    ...rowEnd,
    ...addTo(PR, [...op.get(WP), ...op.get(WP), ...op.add]), ...addTo(QR, op.get(OWP)),
    ...op.get(ROWS), ...op.const(1), ...op.sub, ...op.tee(ROWS), ...op.brIf(0),
    ...op.end,
  ];
}

const POOL_LOCALS = 5;
const [EVEN, MAX] = [POOL_LOCALS + 7, POOL_LOCALS + 8];
const maxInto = (first: boolean) => (k: number): Bytes => (first && k === 0 ? op.set(MAX) : [...op.get(MAX), ...op.f32x4Max, ...op.set(MAX)]);

const poolBody = planeLoop(POOL_LOCALS, ({ P, Q }) => [
  ...P.flatMap((p, r) => columns(p, EVEN, maxInto(r === 0))),
  ...op.get(Q), ...op.get(MAX), ...op.store(),
]);

const ARGMAX_LOCALS = 6;
// v128 locals after the loop's i32s: the nine cells of four windows, then the rest, then the nine
// offsets; BASE holds the four windows' first cells as plane indices, ROWBASE those of a row's first four
const C = ARGMAX_LOCALS + 7;
const [A_EVEN, A_MAX, SEL, BASE, ROWBASE, OFF] = [C + 9, C + 10, C + 11, C + 12, C + 13, C + 14];
const matchesMax = (i: number): Bytes => [
  ...op.get(C + i), ...op.get(A_MAX), ...op.f32x4Eq, ...op.get(C + i), ...op.get(C + i), ...op.f32x4Ne, ...op.v128Or,
];

const argmaxBody: Bytes = [
  // OFF + i: the plane offset of window cell i (row i / 3, column i % 3) from the window's first cell
  ...Array.from({ length: 9 }, (_, i) => [
    ...op.get(W), ...op.const(Math.floor(i / 3)), ...op.mul, ...op.const(i % 3), ...op.add, ...op.i32x4Splat, ...op.set(OFF + i),
  ]).flat(),
  ...op.i32x4Lanes(EVENS), ...op.set(ROWBASE),
  ...planeLoop(
    ARGMAX_LOCALS,
    ({ P, Q }) => [
      ...P.flatMap((p, r) => columns(p, A_EVEN, (k) => op.set(C + 3 * r + k))),
      ...op.get(C), ...[1, 2, 3, 4, 5, 6, 7, 8].flatMap((i) => [...op.get(C + i), ...op.f32x4Max]), ...op.set(A_MAX),
      // the offset of the first cell equal to the max (a NaN where the max is NaN), chosen from the last cell back
      ...op.get(OFF + 8), ...op.set(SEL),
      ...[7, 6, 5, 4, 3, 2, 1, 0].flatMap((i) => [...op.get(OFF + i), ...op.get(SEL), ...matchesMax(i), ...op.bitselect, ...op.set(SEL)]),
      ...op.get(Q), ...op.get(BASE), ...op.get(SEL), ...op.i32x4Add, ...op.store(),
      ...op.get(BASE), ...op.i32x4Const(8), ...op.i32x4Add, ...op.set(BASE),
    ],
    [...op.get(ROWBASE), ...op.set(BASE)],
    [...op.get(ROWBASE), ...op.get(W), ...op.get(W), ...op.add, ...op.i32x4Splat, ...op.i32x4Add, ...op.set(ROWBASE)],
  ),
];

const [DST, SRC, COUNT, DSTRIDE, SSTRIDE, BYTES] = [0, 1, 2, 3, 4, 5];
const copyRowsBody: Bytes = [
  ...op.loop,
  ...op.get(DST), ...op.get(SRC), ...op.get(BYTES), ...op.copy,
  ...addTo(DST, op.get(DSTRIDE)), ...addTo(SRC, op.get(SSTRIDE)),
  ...op.get(COUNT), ...op.const(1), ...op.sub, ...op.tee(COUNT), ...op.brIf(0),
  ...op.end,
];

export const maxpoolWasm = wasmModule([
  { name: 'pool', params: new Array<number>(5).fill(i32), locals: [...new Array<number>(7).fill(i32), v128, v128], body: poolBody },
  { name: 'argmax', params: new Array<number>(6).fill(i32), locals: [...new Array<number>(7).fill(i32), ...new Array<number>(23).fill(v128)], body: argmaxBody },
  { name: 'copyRows', params: new Array<number>(6).fill(i32), locals: [], body: copyRowsBody },
], 1);

export interface SimdMaxpool {
  /** y[yAt..] = the pooled plane of x starting at xAt. */
  pool(x: Float32Array, xAt: number, y: Float32Array, yAt: number, g: MaxPoolGeometry): void;
  /** dx[xAt + argmax] += dy, window by window in output order (as the twin adds them). */
  scatter(x: Float32Array, xAt: number, dy: Float32Array, dyAt: number, dx: Float32Array, g: MaxPoolGeometry): void;
}

const PAGE = 65536;

/** The kernels for 3×3, stride 2, unpadded pools; null where WebAssembly SIMD is unavailable. */
export function simdMaxpool(): SimdMaxpool | null {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(maxpoolWasm)) return null;
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(maxpoolWasm));
  const memory = exports.memory as WebAssembly.Memory;
  const pool = exports.pool as (out: number, rows: number, groups: number, wp: number, owp: number) => void;
  const argmax = exports.argmax as (out: number, rows: number, groups: number, wp: number, owp: number, w: number) => void;
  const copyRows = exports.copyRows as (dst: number, src: number, rows: number, dstStride: number, srcStride: number, bytes: number) => void;
  let heap = new Float32Array(memory.buffer);
  let indices = new Int32Array(memory.buffer);
  let layout = '';
  // In floats: the padded plane at 0, the padded output at `out`, the plane as it comes at `plane`,
  // the output as it goes at `dense`. The plane's rows go to the same places every call, so the
  // −Infinity around them is set once per geometry.
  const regions = (g: MaxPoolGeometry) => {
    const owp = 4 * Math.ceil(g.ow / 4);
    const wp = Math.max(g.w, 2 * owp + 1);
    const out = 4 * Math.ceil((Math.max(g.h, 2 * g.oh + 1) * wp) / 4);
    const plane = out + g.oh * owp;
    return { owp, wp, out, plane, dense: plane + g.h * g.w };
  };
  const load = (x: Float32Array, xAt: number, g: MaxPoolGeometry) => {
    const r = regions(g);
    const key = `${g.h}x${g.w}>${g.oh}x${g.ow}`;
    if (key !== layout) {
      const bytes = 4 * (r.dense + g.oh * g.ow);
      if (bytes > memory.buffer.byteLength) {
        memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
        [heap, indices] = [new Float32Array(memory.buffer), new Int32Array(memory.buffer)];
      }
      heap.fill(-Infinity, 0, r.out);
      layout = key;
    }
    heap.set(x.subarray(xAt, xAt + g.h * g.w), r.plane);
    copyRows(0, 4 * r.plane, g.h, 4 * r.wp, 4 * g.w, 4 * g.w);
    return r;
  };
  return {
    pool(x, xAt, y, yAt, g) {
      const { owp, wp, out, dense } = load(x, xAt, g);
      pool(4 * out, g.oh, owp / 4, 4 * wp, 4 * owp);
      copyRows(4 * dense, 4 * out, g.oh, 4 * g.ow, 4 * owp, 4 * g.ow);
      y.set(heap.subarray(dense, dense + g.oh * g.ow), yAt);
    },
    scatter(x, xAt, dy, dyAt, dx, g) {
      const { owp, wp, out } = load(x, xAt, g);
      argmax(4 * out, g.oh, owp / 4, 4 * wp, 4 * owp, g.w);
      for (let oy = 0, d = dyAt; oy < g.oh; oy++) {
        for (let at = out + oy * owp, end = at + g.ow; at < end; at++, d++) dx[xAt + indices[at]] += dy[d];
      }
    },
  };
}
