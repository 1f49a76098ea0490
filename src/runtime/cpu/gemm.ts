import { gemmPanels, packPanels } from './gemm-panels.ts';
import { simdGemm } from './gemm-simd.ts';
import { scratch32 } from './scratch.ts';

/**
 * The GEMM of the fast CPU paths, one per thread. A caller packs its operands
 * (packPanels layout) into the buffers operands() returns, then calls run():
 *   out[offset + i·ldc + j] += Σ_k A[i, k]·B[j, k]   for i < M, j < N
 * With `rows`, B is instead K dense rows, B[j, k] at b[k·ldb + j] (no packing where
 * the caller's matrix already is one: a block of pixels of an NCHW image).
 * The buffers stay valid until the next operands() call of the thread.
 */
export interface Gemm {
  operands(M: number, N: number, K: number, rows?: boolean): { a: Float32Array; b: Float32Array; ldb: number };
  run(M: number, N: number, K: number, out: Float32Array, offset: number, ldc: number): void;
}

/** The JavaScript GEMM (gemm-panels.ts) behind the same interface. */
export function jsGemm(): Gemm {
  let a: Float32Array = new Float32Array(0);
  let b = a;
  let rowsB = false;
  return {
    operands(M, N, K, rows = false) {
      a = scratch32('gemm.a', Math.ceil(M / 4) * 4 * K);
      b = scratch32(rows ? 'gemm.rows' : 'gemm.b', Math.ceil(N / 4) * 4 * K);
      rowsB = rows;
      return { a, b, ldb: N };
    },
    run(M, N, K, out, offset, ldc) {
      const panels = rowsB ? packPanels(b, 0, N, K, 1, N, scratch32('gemm.b', Math.ceil(N / 4) * 4 * K)) : b;
      gemmPanels(a, panels, M, N, K, out, offset, ldc);
    },
  };
}

/** This thread's GEMM: WebAssembly SIMD where available, else JavaScript. */
export const gemm: Gemm = simdGemm() ?? jsGemm();
