import { i32, op, v128, wasmModule, type Bytes } from './wasm-emit.ts';

// ELU (α = 1) on float32 as WebAssembly SIMD kernels, in place on the module's memory:
//   elu(start, end)       x ← x > 0 ? x : eˣ − 1      for the f32x4 vectors in [start, end) (bytes)
//   eluGrad(start, end)   d ← y > 0 ? d : d·(y + 1)   y in [start, end), d GRAD bytes after it
// The gradient reads eˣ from the output (y + 1) and selects without a branch: a JavaScript
// loop's branch on the sign is mispredicted half the time.
// eˣ − 1 without a call: x = n·ln 2 + r with n = round(x·log₂e) and |r| ≤ ln 2 / 2
// (ln 2 in two parts, Cody and Waite, so n·ln 2 is exact), eʳ − 1 by its Taylor series
// to r⁷ (error below 2⁻²⁶ of r), then eˣ − 1 = 2ⁿ·(eʳ − 1) + (2ⁿ − 1), both terms exact
// but for one rounding each, so no cancellation near 0. x is first clamped to −30 (eˣ − 1
// is −1 in float32 below −17.3), keeping 2ⁿ normal. Adding 1.5·2²³ rounds to n and leaves
// n in the low mantissa bits: 2ⁿ's exponent without a float-to-int conversion. NaN stays
// NaN (pmax keeps a NaN first operand, arithmetic propagates it, NaN > 0 is false).

const [P, END, V, C, N, R, S] = [0, 1, 2, 3, 4, 5, 6];
const [ROUND, LN2_HI, LN2_LO] = [12582912, 0.693359375, -2.12194440e-4];

const c = op.f32x4Const;
const mulAdd = (coef: number): Bytes => [...op.get(R), ...op.f32x4Mul, ...c(coef), ...op.f32x4Add];

const body: Bytes = [
  ...op.loop,
  ...op.get(P), ...op.load(), ...op.set(V),
  ...op.get(V), ...c(-30), ...op.f32x4Pmax, ...op.set(C),
  ...op.get(C), ...c(Math.LOG2E), ...op.f32x4Mul, ...c(ROUND), ...op.f32x4Add, ...op.set(S),
  ...op.get(S), ...c(ROUND), ...op.f32x4Sub, ...op.set(N),
  ...op.get(C), ...op.get(N), ...c(LN2_HI), ...op.f32x4Mul, ...op.f32x4Sub,
  ...op.get(N), ...c(LN2_LO), ...op.f32x4Mul, ...op.f32x4Sub, ...op.set(R),
  // eʳ − 1 = r + r²·(1/2 + r·(1/6 + r·(1/24 + r·(1/120 + r·(1/720 + r/5040)))))
  ...c(1 / 5040), ...mulAdd(1 / 720), ...mulAdd(1 / 120), ...mulAdd(1 / 24), ...mulAdd(1 / 6), ...mulAdd(1 / 2),
  ...op.get(R), ...op.f32x4Mul, ...op.get(R), ...op.f32x4Mul, ...op.get(R), ...op.f32x4Add, ...op.set(C),
  // 2ⁿ: exponent bits n + 127, n being the low bits of n + 1.5·2²³
  ...op.get(S), ...op.i32x4Const(127 - 0x4b400000), ...op.i32x4Add, ...op.const(23), ...op.i32x4Shl, ...op.set(S),
  ...op.get(P), ...op.get(V),
  ...op.get(S), ...op.get(C), ...op.f32x4Mul, ...op.get(S), ...c(1), ...op.f32x4Sub, ...op.f32x4Add,
  ...op.get(V), ...c(0), ...op.f32x4Gt,
  ...op.bitselect, ...op.store(),
  ...op.get(P), ...op.const(16), ...op.add, ...op.set(P),
  ...op.get(P), ...op.get(END), ...op.ltU, ...op.brIf(0),
  ...op.end,
];

/** Byte offset of the gradient's d from its y. */
const GRAD = 32768;
const [Y, D] = [2, 3];

const gradBody: Bytes = [
  ...op.loop,
  ...op.get(P), ...op.load(), ...op.set(Y),
  ...op.get(P), ...op.load(GRAD), ...op.set(D),
  ...op.get(P), ...op.get(D),
  ...op.get(D), ...op.get(Y), ...c(1), ...op.f32x4Add, ...op.f32x4Mul,
  ...op.get(Y), ...c(0), ...op.f32x4Gt,
  ...op.bitselect, ...op.store(GRAD),
  ...op.get(P), ...op.const(16), ...op.add, ...op.set(P),
  ...op.get(P), ...op.get(END), ...op.ltU, ...op.brIf(0),
  ...op.end,
];

/** The module's bytes: memory, elu and eluGrad exported. */
export const eluWasm = wasmModule([
  { name: 'elu', params: [i32, i32], locals: new Array<number>(5).fill(v128), body },
  { name: 'eluGrad', params: [i32, i32], locals: new Array<number>(2).fill(v128), body: gradBody },
], 1);

/** Floats per call: the module's one page holds them (the gradient's y and d, half each). */
const [CHUNK, HALF] = [16384, GRAD / 4];

type Elu = (from: Float32Array, f: number, to: Float32Array, t: number, count: number) => void;
type EluGrad = (y: Float32Array, dy: Float32Array, f: number, to: Float32Array, t: number, count: number) => void;

/** to[t + i] = ELU(from[f + i]), and dy·ELU′ read from the output y, for i < count; null where WebAssembly SIMD is unavailable. */
export function simdElu(): { elu: Elu; eluGrad: EluGrad } | null {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(eluWasm)) return null;
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(eluWasm));
  const heap = new Float32Array((exports.memory as WebAssembly.Memory).buffer);
  const [elu, eluGrad] = [exports.elu, exports.eluGrad] as ((start: number, end: number) => void)[];
  return {
    elu(from, f, to, t, count) {
      for (let i = 0; i < count; i += CHUNK) {
        const n = Math.min(CHUNK, count - i);
        heap.set(from.subarray(f + i, f + i + n));
        elu(0, 16 * Math.ceil(n / 4));
        to.set(heap.subarray(0, n), t + i);
      }
    },
    eluGrad(y, dy, f, to, t, count) {
      for (let i = 0; i < count; i += HALF) {
        const n = Math.min(HALF, count - i);
        heap.set(y.subarray(f + i, f + i + n));
        heap.set(dy.subarray(f + i, f + i + n), HALF);
        eluGrad(0, 16 * Math.ceil(n / 4));
        to.set(heap.subarray(HALF, HALF + n), t + i);
      }
    },
  };
}
