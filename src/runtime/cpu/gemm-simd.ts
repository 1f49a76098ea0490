import { panelSize } from './gemm-panels.ts';
import type { Gemm } from './gemm.ts';
import { i32, op, v128, wasmModule, type Bytes } from './wasm-emit.ts';

// The GEMM of the fast CPU paths as a WebAssembly SIMD kernel. Operands are float32
// panels (gemm-panels.ts) in the module's own memory, A at 0, then B, then C:
//   gemm(a, b, c, mPanels, nPairs, ps)   C += A·Bᵀ, C dense, 8·nPairs floats a row
//   gemmRows(…)                          the same with B as K dense rows of C's width
// For each A panel (4 rows) and each pair of B panels (8 columns) the 4×8 tile sits in
// eight f32x4 accumulators, acc[2t + h] = row t, columns 4h..4h+3; per k the kernel
// loads the two B vectors and splats each of the four A values (11 v128 registers).
// ps is a panel's size in bytes (16·K). B has an even number of panels (the last
// may be zeros); the caller's rows of C are copied in before and out after.

const [A, B, C, M, NP, PS] = [0, 1, 2, 3, 4, 5];
const [LDC, J, PB, PC, P, Q, END, R] = [6, 7, 8, 9, 10, 11, 12, 13];
const ACC = 14;
const [B0, B1, S] = [22, 23, 24];

const seq = (n: number, f: (t: number) => Bytes): Bytes => Array.from({ length: n }, (_, t) => f(t)).flat();
const addTo = (local: number, ...value: Bytes[]): Bytes => [...op.get(local), ...value.flat(), ...op.add, ...op.set(local)];

// acc[2t + h] += splat(A[k, t]) · B_h[k]
const kStep = (rows: boolean): Bytes => [
  ...op.get(Q), ...op.load(), ...op.set(B0),
  ...(rows ? [...op.get(Q), ...op.load(16)] : [...op.get(Q), ...op.get(PS), ...op.add, ...op.load()]), ...op.set(B1),
  ...seq(4, (t) => [
    ...op.get(P), ...op.splat(4 * t), ...op.set(S),
    ...seq(2, (h) => [...op.get(ACC + 2 * t + h), ...op.get(S), ...op.get(h ? B1 : B0), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(ACC + 2 * t + h)]),
  ]),
  ...addTo(P, op.const(16)),
  ...addTo(Q, rows ? op.get(LDC) : op.const(16)),
];

// acc ← the C tile, then back to it: C += A·Bᵀ
const tileRows = (f: (t: number) => Bytes): Bytes => [
  ...op.get(PC), ...op.set(R),
  ...seq(4, (t) => [...f(t), ...addTo(R, op.get(LDC))]),
];

const tile = (rows: boolean): Bytes => [
  ...tileRows((t) => [...op.get(R), ...op.load(0), ...op.set(ACC + 2 * t), ...op.get(R), ...op.load(16), ...op.set(ACC + 2 * t + 1)]),
  ...op.get(A), ...op.set(P),
  ...op.get(PB), ...op.set(Q),
  ...op.get(A), ...op.get(PS), ...op.add, ...op.set(END),
  ...op.loop, ...kStep(rows), ...op.get(P), ...op.get(END), ...op.ltU, ...op.brIf(0), ...op.end,
  ...tileRows((t) => [...op.get(R), ...op.get(ACC + 2 * t), ...op.store(0), ...op.get(R), ...op.get(ACC + 2 * t + 1), ...op.store(16)]),
];

const body = (rows: boolean): Bytes => [
  ...op.get(NP), ...op.const(32), ...op.mul, ...op.set(LDC),
  ...op.loop,
  ...op.get(B), ...op.set(PB), ...op.get(C), ...op.set(PC), ...op.get(NP), ...op.set(J),
  ...op.loop,
  ...tile(rows),
  ...addTo(PB, rows ? op.const(32) : [...op.get(PS), ...op.get(PS), ...op.add]),
  ...addTo(PC, op.const(32)),
  ...addTo(J, op.const(-1)),
  ...op.get(J), ...op.brIf(0),
  ...op.end,
  ...addTo(A, op.get(PS)),
  ...addTo(C, op.get(LDC), op.const(4), op.mul),
  ...addTo(M, op.const(-1)),
  ...op.get(M), ...op.brIf(0),
  ...op.end,
];

const func = (name: string, rows: boolean) => ({
  name, params: [i32, i32, i32, i32, i32, i32], locals: [...new Array<number>(8).fill(i32), ...new Array<number>(11).fill(v128)], body: body(rows),
});

/** The module's bytes: memory, gemm and gemmRows exported. */
export const gemmWasm = wasmModule([func('gemm', false), func('gemmRows', true)], 1);

/** The SIMD GEMM, or null where WebAssembly SIMD is unavailable. */
export function simdGemm(): Gemm | null {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(gemmWasm)) return null;
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(gemmWasm));
  const memory = exports.memory as WebAssembly.Memory;
  type Kernel = (a: number, b: number, c: number, mPanels: number, nPairs: number, ps: number) => void;
  const kernels = [exports.gemm as Kernel, exports.gemmRows as Kernel];
  let rowsB = false;
  let heap = new Float32Array(memory.buffer);
  const layout = (M: number, N: number, K: number) => {
    // A row stride of a multiple of 2 KiB sends B's rows to a few cache sets (rows of 4 KiB ran at half speed): one more column pair
    const width = 8 * Math.ceil(N / 8) + (Math.ceil(N / 8) % 64 === 0 ? 8 : 0);
    const aEnd = panelSize(M, K);
    const bEnd = aEnd + width * K;
    return { width, aEnd, bEnd, cEnd: bEnd + Math.ceil(M / 4) * 4 * width };
  };
  return {
    operands(M, N, K, rows = false) {
      const { width, aEnd, bEnd, cEnd } = layout(M, N, K);
      if (4 * cEnd > memory.buffer.byteLength) memory.grow(Math.ceil((4 * cEnd - memory.buffer.byteLength) / 65536));
      if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
      rowsB = rows;
      return { a: heap.subarray(0, aEnd), b: heap.subarray(aEnd, bEnd), ldb: width };
    },
    run(M, N, K, out, offset, ldc) {
      if (M === 0 || N === 0 || K === 0) return;
      const { width, aEnd, bEnd } = layout(M, N, K);
      // Columns past N: zeros in the last panel; in rows, left as they are (their results are never read)
      if (!rowsB) heap.fill(0, aEnd + panelSize(N, K), bEnd);
      for (let i = 0; i < M; i++) heap.set(out.subarray(offset + i * ldc, offset + i * ldc + N), bEnd + i * width);
      kernels[rowsB ? 1 : 0](0, 4 * aEnd, 4 * bEnd, Math.ceil(M / 4), width / 8, 16 * K);
      for (let i = 0; i < M; i++) out.set(heap.subarray(bEnd + i * width, bEnd + i * width + N), offset + i * ldc);
    },
  };
}
