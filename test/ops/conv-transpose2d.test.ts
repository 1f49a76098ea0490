import { describe, expect, it } from 'vitest';
import { convTranspose2dBwdFast, convTranspose2dFwdFast } from '../../src/runtime/cpu/conv-transpose2d-fast.ts';
import { convTranspose2dBwd, convTranspose2dFwd } from '../../src/runtime/cpu/conv-transpose2d.ts';
import { convTranspose2dGeometry } from '../../src/runtime/ops/conv-transpose2d.ts';
import { Random } from '../../src/runtime/random.ts';
import { sizeOf, type Shape } from '../../src/runtime/shape.ts';
import { describeOpCases } from '../harness/describe-op-cases.ts';
import type { OpCase } from '../harness/op-case.ts';
import { convTranspose2dCases, convTranspose2dGradCases } from './conv-transpose2d.cases.ts';

describeOpCases('conv_transpose2d', convTranspose2dCases, convTranspose2dGradCases);

// The cpu backend runs the fast path (float32 in and out, float32 sums in the GEMM); check it
// against the twin in float64 on the same float32 inputs with a tolerance of float32 rounding
// over sums of up to a few hundred terms (1e-5 relative; seen: under 3e-6), far tighter than
// the cases' tolerances, so they cannot hide a bug. The net's T-layer shapes are left to
// the comparison above (the twin takes seconds on them). These call the fast functions, without the activation.
const macs = (c: OpCase) => (sizeOf(c.inputs[0]) * sizeOf(c.inputs[1])) / c.inputs[0][1];
const smallCases = convTranspose2dCases.filter((c) => macs(c) < 2e7);

describe('conv_transpose2d fast CPU path equals the float64 twin to float32 rounding of its sums', () => {
  it('leaves out only the three T-layer cases', () => expect(convTranspose2dCases.length - smallCases.length).toBe(3));
  it.each(smallCases.map((c) => [c.inputs.map((s) => `[${s}]`).join(' ') + JSON.stringify(c.attrs ?? {}), c] as const))('%s', (_n, c) => {
    const [xs, ws, bs] = c.inputs as Shape[];
    const g = convTranspose2dGeometry(xs, ws, bs, c.attrs ?? {});
    const rng = new Random(5);
    const [x, w, b] = [xs, ws, bs].map((s) => rng.normals(sizeOf(s)));
    const dy = rng.normals(g.batch * g.cout * g.oh * g.ow);
    const f64 = (a: Float32Array) => Float64Array.from(a);
    const closeTo = (got: ArrayLike<number>, want: ArrayLike<number>) => {
      expect(got.length).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
      expect(worst).toBeLessThan(1e-5);
    };
    closeTo(convTranspose2dFwdFast(x, w, b, g), convTranspose2dFwd(f64(x), f64(w), f64(b), g));
    const fast = convTranspose2dBwdFast(x, w, dy, g);
    const ref = convTranspose2dBwd(f64(x), f64(w), f64(dy), g);
    closeTo(fast.dx, ref.dx);
    closeTo(fast.dw, ref.dw);
    closeTo(fast.db, ref.db);
  });
});
