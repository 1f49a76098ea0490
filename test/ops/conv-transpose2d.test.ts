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

// The cpu backend runs the fast path; check it against the twin in float64 too, where both
// agree to rounding, so a loose float32 tolerance cannot hide a bug. The net's T-layer shapes
// are left to the float32 comparison above (the twin takes seconds on them).
const macs = (c: OpCase) => (sizeOf(c.inputs[0]) * sizeOf(c.inputs[1])) / c.inputs[0][1];
const smallCases = convTranspose2dCases.filter((c) => macs(c) < 2e7);

describe('conv_transpose2d fast CPU path equals the twin in float64', () => {
  it('leaves out only the two T-layer cases', () => expect(convTranspose2dCases.length - smallCases.length).toBe(2));
  it.each(smallCases.map((c) => [c.inputs.map((s) => `[${s}]`).join(' ') + JSON.stringify(c.attrs ?? {}), c] as const))('%s', (_n, c) => {
    const [xs, ws, bs] = c.inputs as Shape[];
    const g = convTranspose2dGeometry(xs, ws, bs, c.attrs ?? {});
    const rng = new Random(5);
    const [x, w, b] = [xs, ws, bs].map((s) => Float64Array.from(rng.normals(sizeOf(s))));
    const dy = Float64Array.from(rng.normals(g.batch * g.cout * g.oh * g.ow));
    const closeTo = (got: ArrayLike<number>, want: ArrayLike<number>) => {
      expect(got.length).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst).toBeLessThan(1e-9);
    };
    closeTo(convTranspose2dFwdFast(x, w, b, g), convTranspose2dFwd(x, w, b, g));
    const fast = convTranspose2dBwdFast(x, w, dy, g);
    const ref = convTranspose2dBwd(x, w, dy, g);
    closeTo(fast.dx, ref.dx);
    closeTo(fast.dw, ref.dw);
    closeTo(fast.db, ref.db);
  });
});
