// A register-blocked GEMM on panel-packed operands, for the fast CPU paths.
// A panel holds 4 rows of a matrix for every k, interleaved: P[panel][k][row & 3],
// so the 4×4 kernel below reads both operands sequentially. This JavaScript kernel
// is the fallback of gemm-simd.ts (gemm.ts picks one); both take float32 panels.
// Rows past the end of the matrix are zero in the packing and never stored.

export const panelSize = (rows: number, cols: number): number => Math.ceil(rows / 4) * 4 * cols;

/**
 * Packs rows [0, rows) × columns [0, cols) of a strided matrix, element (r, k)
 * at src[offset + r·rowStride + k·colStride], into ⌈rows/4⌉ panels in `out`.
 */
export function packPanels(src: Float32Array, offset: number, rows: number, cols: number, rowStride: number, colStride: number, out: Float32Array = new Float32Array(panelSize(rows, cols))): Float32Array {
  // Four rows at a time, so that the writes are sequential; rows past the end read row 0 and are zeroed after.
  for (let r = 0; r < rows; r += 4) {
    const s0 = offset + r * rowStride;
    const s1 = r + 1 < rows ? s0 + rowStride : s0;
    const s2 = r + 2 < rows ? s0 + 2 * rowStride : s0;
    const s3 = r + 3 < rows ? s0 + 3 * rowStride : s0;
    let o = r * cols;
    for (let k = 0, d = 0; k < cols; k++, d += colStride, o += 4) {
      out[o] = src[s0 + d];
      out[o + 1] = src[s1 + d];
      out[o + 2] = src[s2 + d];
      out[o + 3] = src[s3 + d];
    }
  }
  for (let r = rows; r % 4 !== 0; r++) {
    const base = (r >> 2) * cols * 4 + (r & 3);
    for (let k = 0; k < cols; k++) out[base + k * 4] = 0;
  }
  return out;
}

/**
 * out[offset + i·ldc + j] += Σ_k A[i, k]·B[j, k] for i < M, j < N, with A and B
 * packed by packPanels (A: M rows, B: N rows, both K columns).
 */
export function gemmPanels(a: Float32Array, b: Float32Array, M: number, N: number, K: number, out: Float32Array, offset: number, ldc: number): void {
  const mPanels = Math.ceil(M / 4);
  const nPanels = Math.ceil(N / 4);
  const stride = 4 * K;
  for (let jp = 0; jp < nPanels; jp++) {
    const j0 = jp * 4;
    for (let ip = 0; ip < mPanels; ip++) {
      let ai = ip * stride;
      let bi = jp * stride;
      const end = ai + stride;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (; ai < end; ai += 4, bi += 4) {
        const v0 = b[bi], v1 = b[bi + 1], v2 = b[bi + 2], v3 = b[bi + 3];
        let s = a[ai];
        c00 += s * v0; c01 += s * v1; c02 += s * v2; c03 += s * v3;
        s = a[ai + 1];
        c10 += s * v0; c11 += s * v1; c12 += s * v2; c13 += s * v3;
        s = a[ai + 2];
        c20 += s * v0; c21 += s * v1; c22 += s * v2; c23 += s * v3;
        s = a[ai + 3];
        c30 += s * v0; c31 += s * v1; c32 += s * v2; c33 += s * v3;
      }
      const i0 = ip * 4;
      const o = offset + i0 * ldc + j0;
      if (i0 + 4 <= M && j0 + 4 <= N) {
        out[o] += c00; out[o + 1] += c01; out[o + 2] += c02; out[o + 3] += c03;
        out[o + ldc] += c10; out[o + ldc + 1] += c11; out[o + ldc + 2] += c12; out[o + ldc + 3] += c13;
        out[o + 2 * ldc] += c20; out[o + 2 * ldc + 1] += c21; out[o + 2 * ldc + 2] += c22; out[o + 2 * ldc + 3] += c23;
        out[o + 3 * ldc] += c30; out[o + 3 * ldc + 1] += c31; out[o + 3 * ldc + 2] += c32; out[o + 3 * ldc + 3] += c33;
      } else {
        storeEdge(out, o, ldc, Math.min(4, M - i0), Math.min(4, N - j0),
          c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
      }
    }
  }
}

// A tile cut by the matrix edge: only its first rows × cols entries exist.
function storeEdge(out: Float32Array, o: number, ldc: number, rows: number, cols: number, ...t: number[]): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[o + i * ldc + j] += t[i * 4 + j];
  }
}
