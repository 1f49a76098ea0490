import { host, type HostTensor } from '../../src/runtime/host-tensor.ts';
import { Random } from '../../src/runtime/random.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { sizeOf } from '../../src/runtime/shape.ts';
import { makeInputs, type OpCase } from './op-case.ts';

export interface GradCheckResult {
  /** Worst relative error between analytic and central-difference gradients. */
  worst: number;
  where: string;
  checked: number;
}

/**
 * Central finite differences on the CPU twin in float64, for L = Σ r·y with a
 * random r over the op's first output. Checks `samples` entries of each
 * differentiable input.
 */
export function gradCheck(c: OpCase, { samples = 12, eps = 1e-6, seed = 3 } = {}): GradCheckResult {
  const op = getOp(c.op);
  const attrs = c.attrs ?? {};
  const inputs: HostTensor[] = makeInputs(c, seed).map((d, i) => host(c.inputs[i], Float64Array.from(d)));
  const fwd = (xs: HostTensor[]) => op.cpu.fwd(xs.map((t) => host(t.shape, t.data.slice())), attrs)[0];
  const y0 = fwd(inputs);
  const rng = new Random(seed + 7);
  const r = Float64Array.from(rng.normals(sizeOf(y0.shape)));
  const loss = (xs: HostTensor[]) => {
    const y = fwd(xs).data;
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i] * r[i];
    return sum;
  };
  const grads = op.cpu.bwd!(inputs.map((t) => host(t.shape, t.data.slice())), op.cpu.fwd(inputs.map((t) => host(t.shape, t.data.slice())), attrs), host(y0.shape, r), attrs);

  let worst = 0;
  let where = '';
  let checked = 0;
  inputs.forEach((input, k) => {
    if (!op.grads[k]) return;
    const g = grads[k];
    if (!g) throw new Error(`${c.op}: no gradient for ${op.inputs[k]}`);
    if (!(g.data instanceof Float64Array)) throw new Error(`${c.op}: backward of float64 inputs returned float32`);
    for (let s = 0; s < samples; s++) {
      const j = rng.int(input.data.length);
      const saved = input.data[j];
      input.data[j] = saved + eps;
      const up = loss(inputs);
      input.data[j] = saved - eps;
      const down = loss(inputs);
      input.data[j] = saved;
      const numeric = (up - down) / (2 * eps);
      const err = Math.abs(numeric - g.data[j]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(g.data[j]));
      if (err > worst || Number.isNaN(err)) {
        worst = Number.isNaN(err) ? Infinity : err;
        where = `d${op.inputs[k]}[${j}]: analytic ${g.data[j]}, numeric ${numeric}`;
      }
      checked++;
    }
  });
  return { worst, where, checked };
}
