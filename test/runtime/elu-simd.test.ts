import { describe, expect, it } from 'vitest';
import { activateRange, activationGradRange } from '../../src/runtime/cpu/activation-fast.ts';
import { eluWasm, simdElu } from '../../src/runtime/cpu/elu-simd.ts';

// The WebAssembly SIMD ELU against Math.exp(x) − 1 rounded to float32: within one
// float32 ulp (or 6e-8 where the exact value is tiny, where Math.exp(x) − 1 itself
// loses everything to cancellation), the special values as the twin gives them.

const f32 = (v: number) => Math.fround(v);
const twin = (v: number) => f32(v > 0 ? v : Math.exp(v) - 1);

function sweep(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = -40 + (42 * i) / n;
  return x;
}

describe('ELU as WebAssembly SIMD', () => {
  it('validates here (Node has SIMD)', () => {
    expect(WebAssembly.validate(eluWasm)).toBe(true);
    expect(simdElu()).not.toBeNull();
  });

  it('is within one float32 ulp of Math.exp(x) − 1 over [−40, 2]', () => {
    const x = sweep(300_001);
    const y = new Float32Array(x.length);
    simdElu()!.elu(x, 0, y, 0, x.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const want = twin(x[i]);
      const err = Math.abs(y[i] - want) / Math.max(Math.abs(want) * 2 ** -23, 6e-8);
      worst = Math.max(worst, err);
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('keeps NaN, ±Infinity, ±0 and the saturation at −1 as the twin does', () => {
    const x = Float32Array.of(NaN, -Infinity, Infinity, 0, -0, -17.5, -88, -1e30, 3e38, 1e-30, -1e-7);
    const y = new Float32Array(x.length);
    simdElu()!.elu(x, 0, y, 0, x.length);
    expect(Array.from(y.subarray(0, 9))).toEqual([NaN, -1, Infinity, 0, 0, -1, -1, -1, f32(3e38)]);
    expect(y[9]).toBe(f32(1e-30));
    expect(y[10]).toBeCloseTo(-1e-7, 12);
  });

  it('writes exactly the range asked for, at any offsets, across chunk boundaries', () => {
    const x = sweep(40_003);
    for (const [f, t, count] of [[0, 0, 40_003], [5, 3, 16_385], [1, 0, 7], [40_000, 11, 3]]) {
      const y = new Float32Array(40_020).fill(7);
      activateRange(x, f, y, t, count, 'elu');
      for (let i = 0; i < y.length; i++) {
        const inside = i >= t && i < t + count;
        if (!inside) expect(y[i], `${f} ${t} ${count} at ${i}`).toBe(7);
        else expect(Math.abs(y[i] - twin(x[f + i - t])), `${f} ${t} ${count} at ${i}`).toBeLessThanOrEqual(1.2e-7);
      }
    }
  });
});

// The gradient dy·ELU′ read from the output: dy where y > 0, else dy·(y + 1), against the
// twin's float64 product rounded once to float32.
const gradTwin = (y: number, dy: number) => f32(y > 0 ? dy : dy * (y + 1));

describe('ELU gradient as WebAssembly SIMD', () => {
  it('is dy exactly where y > 0 and within one float32 ulp of dy·(y + 1) elsewhere', () => {
    const y = sweep(100_003).map((v) => twin(v));
    const dy = y.map((_, i) => Math.sin(i) * 3);
    const dz = new Float32Array(y.length);
    simdElu()!.eluGrad(y, dy, 0, dz, 0, y.length);
    let worst = 0;
    let positives = 0;
    for (let i = 0; i < y.length; i++) {
      const want = gradTwin(y[i], dy[i]);
      if (y[i] > 0) {
        expect(dz[i]).toBe(dy[i]);
        positives++;
      }
      worst = Math.max(worst, Math.abs(dz[i] - want) / Math.max(Math.abs(want) * 2 ** -23, 1e-45));
    }
    expect(positives).toBeGreaterThan(1000);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('keeps NaN and the infinities as the twin does', () => {
    const y = Float32Array.of(NaN, 1, -1, 0, -0.5, 2, -0.25, Infinity);
    const dy = Float32Array.of(1, NaN, Infinity, 2, -Infinity, Infinity, 0, 3);
    const dz = new Float32Array(y.length);
    simdElu()!.eluGrad(y, dy, 0, dz, 0, y.length);
    expect(Array.from(dz)).toEqual(Array.from(y, (v, i) => gradTwin(v, dy[i])));
    expect(Array.from(dz)).toEqual([NaN, NaN, NaN, 2, -Infinity, Infinity, 0, 3]);
  });

  it('writes exactly the range asked for, at any offsets, across chunk boundaries', () => {
    const y = sweep(20_003).map((v) => twin(v));
    const dy = y.map((_, i) => Math.cos(i));
    for (const [f, t, count] of [[0, 0, 20_003], [5, 3, 8_193], [1, 0, 7], [20_000, 11, 3]]) {
      const dz = new Float32Array(20_020).fill(7);
      activationGradRange(y, dy, f, dz, t, count, 'elu');
      for (let i = 0; i < dz.length; i++) {
        const inside = i >= t && i < t + count;
        if (!inside) expect(dz[i], `${f} ${t} ${count} at ${i}`).toBe(7);
        else expect(Math.abs(dz[i] - gradTwin(y[f + i - t], dy[f + i - t])), `${f} ${t} ${count} at ${i}`).toBeLessThanOrEqual(1.2e-7);
      }
    }
  });
});
