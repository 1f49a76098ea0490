import { describe, expect, it } from 'vitest';
import { maxpoolBwd, maxpoolFwd, type MaxPoolGeometry } from '../../src/runtime/cpu/maxpool.ts';
import { maxpoolWasm, simdMaxpool } from '../../src/runtime/cpu/maxpool-simd.ts';
import { maxpoolGeometry } from '../../src/runtime/ops/maxpool.ts';
import { Random } from '../../src/runtime/random.ts';

// The WebAssembly SIMD max pool (3×3, stride 2, unpadded) plane by plane against the CPU
// twin: the pooled values, and dx from the window's first maximum (or first NaN).

const kernels = simdMaxpool()!;

function geometry(h: number, w: number, ceilMode: boolean, planes = 1): MaxPoolGeometry {
  return maxpoolGeometry([1, planes, h, w], { kernel: 3, stride: 2, ceilMode });
}

/** Values from a small set, so ties are common; NaN, ±Infinity and ±0 sprinkled in. */
function awkwardPlane(rng: Random, n: number): Float32Array {
  const x = Float32Array.from(rng.normals(n), (v) => Math.round(2 * v) / 2);
  for (let k = 0; k < n / 40; k++) x[rng.int(n)] = [NaN, -Infinity, Infinity, -0, 0][k % 5];
  return x;
}

function check(x: Float32Array, g: MaxPoolGeometry, rng: Random) {
  const plane = g.h * g.w;
  const y = new Float32Array(g.oh * g.ow);
  kernels.pool(x, 0, y, 0, g);
  // Math.max(−0, 0) is 0 where the twin keeps the first of the tied zeros: equal as numbers
  expect(Array.from(y, (v) => v + 0)).toEqual(Array.from(maxpoolFwd(x.subarray(0, plane), g), (v) => v + 0));
  const dy = Float32Array.from(rng.normals(y.length));
  const dx = new Float32Array(plane);
  kernels.scatter(x, 0, dy, 0, dx, g);
  expect(Array.from(dx)).toEqual(Array.from(maxpoolBwd(x.subarray(0, plane), dy, g)));
}

describe('max pool as WebAssembly SIMD', () => {
  it('validates here (Node has SIMD), so the cpu backend takes it', () => {
    expect(WebAssembly.validate(maxpoolWasm)).toBe(true);
    expect(kernels).not.toBeNull();
  });

  const sizes: [number, number, boolean][] = [
    [3, 3, true], [7, 9, true], [8, 10, true], [8, 10, false], [11, 10, false], [9, 23, true], [12, 17, true], [28, 28, true], [5, 40, false],
  ];
  it.each(sizes)('%i × %i, ceil mode %s: values, ties, NaN, ±Infinity and ±0 as the twin', (h, w, ceilMode) => {
    const rng = new Random(h * 100 + w);
    check(awkwardPlane(rng, h * w), geometry(h, w, ceilMode), rng);
  });

  it('gives a window whose in-image cells are all −Infinity to its first cell, not to the padding', () => {
    // 8 × 10 in ceil mode: the last column's windows hold in-image columns 8 and 9 only
    const g = geometry(8, 10, true);
    const x = new Float32Array(80).fill(-Infinity);
    const rng = new Random(3);
    check(x, g, rng);
    const dx = new Float32Array(80);
    kernels.scatter(x, 0, new Float32Array(g.oh * g.ow).fill(1), 0, dx, g);
    const firstCells = new Array(80).fill(0);
    for (let oy = 0; oy < 4; oy++) for (let ox = 0; ox < 5; ox++) firstCells[20 * oy + 2 * ox] = 1;
    expect([g.oh, g.ow]).toEqual([4, 5]);
    expect(Array.from(dx)).toEqual(firstCells);
  });

  it('reads and writes planes at offsets, and keeps right across geometries that grow its memory or move its padding', () => {
    const rng = new Random(11);
    // 300 × 296 in floor mode, then ceil mode: one more output row, whose padding the floor layout had used
    const runs: [number, number, boolean][] = [[301, 297, true], [7, 9, true], [300, 296, false], [300, 296, true], [56, 56, true]];
    for (const [h, w, ceilMode] of runs) {
      const g = geometry(h, w, ceilMode);
      const planes = 2;
      const x = awkwardPlane(rng, planes * h * w);
      const y = new Float32Array(planes * g.oh * g.ow + 3).fill(9);
      kernels.pool(x, h * w, y, g.oh * g.ow, g);
      expect(Array.from(y.subarray(0, g.oh * g.ow))).toEqual(new Array(g.oh * g.ow).fill(9));
      expect(Array.from(y.subarray(2 * g.oh * g.ow))).toEqual([9, 9, 9]);
      const want = maxpoolFwd(x.subarray(h * w), g);
      expect(Array.from(y.subarray(g.oh * g.ow, 2 * g.oh * g.ow), (v) => v + 0)).toEqual(Array.from(want, (v) => v + 0));
    }
  });
});
