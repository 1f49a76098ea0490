import { describe, expect, it } from 'vitest';
import { packPanels } from '../../src/runtime/cpu/gemm-panels.ts';
import { gemmWasm, simdGemm } from '../../src/runtime/cpu/gemm-simd.ts';
import { jsGemm, type Gemm } from '../../src/runtime/cpu/gemm.ts';
import { sleb, uleb } from '../../src/runtime/cpu/wasm-emit.ts';

// The fast paths' GEMM, SIMD and JavaScript, against a naive triple loop on shapes
// that are not multiples of the 4 × 8 register tile, with strided operands and output.

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1);
}

/** out[offset + i·ldc + j] += Σ_k A[i, k]·B[j, k], with A element (i, k) at a[i·K + k] and B element (j, k) at b[k·N + j]. */
function naive(a: Float32Array, b: Float32Array, M: number, N: number, K: number, out: Float32Array, offset: number, ldc: number): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
      out[offset + i * ldc + j] += s;
    }
  }
}

// 5 × 1024 × 9: B's rows one column pair longer than N (a stride of 4 KiB aliases in the cache)
const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 8, 16], [5, 9, 3], [13, 31, 17], [7, 3, 1], [33, 130, 45], [64, 17, 200], [5, 1024, 9]];

function check(g: Gemm, rows = false): void {
  for (const [M, N, K] of shapes) {
    const a = random(M * K, M + 7 * K);
    const b = random(K * N, N + 3 * K);
    const ldc = N + 3;
    const start = random(2 + M * ldc, M * N);
    const want = start.slice();
    naive(a, b, M, N, K, want, 2, ldc);
    const got = start.slice();
    const ops = g.operands(M, N, K, rows);
    packPanels(a, 0, M, K, K, 1, ops.a);
    if (rows) for (let k = 0; k < K; k++) ops.b.set(b.subarray(k * N, (k + 1) * N), k * ops.ldb);
    else packPanels(b, 0, N, K, 1, N, ops.b);
    g.run(M, N, K, got, 2, ldc);
    for (let i = 0; i < got.length; i++) expect(got[i], `${M}×${N}×${K} at ${i}`).toBeCloseTo(want[i], 4);
  }
}

describe('fast CPU GEMM', () => {
  it('LEB128 encodes as the spec says', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
  });

  it('the emitted module validates', () => {
    expect(WebAssembly.validate(gemmWasm)).toBe(true);
  });

  it('SIMD kernel matches a naive triple loop', () => {
    const g = simdGemm();
    expect(g).not.toBeNull();
    check(g!);
    check(g!, true);
  });

  it('JavaScript fallback (SIMD off) matches a naive triple loop', () => {
    check(jsGemm());
    check(jsGemm(), true);
  });

  it('SIMD kernel grows its memory for large operands and stays right', () => {
    const g = simdGemm()!;
    const [M, N, K] = [9, 300, 700];
    const a = random(M * K, 1);
    const b = random(K * N, 2);
    const want = new Float32Array(M * N);
    naive(a, b, M, N, K, want, 0, N);
    const ops = g.operands(M, N, K);
    packPanels(a, 0, M, K, K, 1, ops.a);
    packPanels(b, 0, N, K, 1, N, ops.b);
    const got = new Float32Array(M * N);
    g.run(M, N, K, got, 0, N);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 3);
  });
});

describe('fast CPU GEMM layout', () => {
  it('gives B rows of 1024 columns a stride of 1032, and others their own width rounded to 8', () => {
    const g = simdGemm()!;
    expect(g.operands(4, 1024, 3, true).ldb).toBe(1032);
    expect(g.operands(4, 1020, 3, true).ldb).toBe(1032);
    expect(g.operands(4, 1000, 3, true).ldb).toBe(1000);
    expect(g.operands(4, 130, 3, true).ldb).toBe(136);
  });
});
