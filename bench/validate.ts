import type { Backend } from '../src/runtime/backend.ts';
import { host, type HostTensor } from '../src/runtime/host-tensor.ts';
import { Random } from '../src/runtime/random.ts';
import { getOp } from '../src/runtime/registry.ts';
import { sizeOf } from '../src/runtime/shape.ts';
import { makeInputs } from '../test/harness/op-case.ts';
import type { BenchCase } from './cases.ts';

/** The CPU twin's results for one case, computed once and checked against every backend. */
export interface Reference {
  inputs: Float32Array[];
  outputs: HostTensor[];
  dy: Float32Array | null;
  grads: (HostTensor | null)[];
}

export interface Check {
  /** Worst |got − want| / (atol + rtol·|want|); ≤ 1 passes. */
  worst: number;
  where: string;
}

// Bench shapes have long sums (up to N·OH·OW products for a weight gradient):
// float32 on the device against the twin's float64 accumulation needs room.
const BENCH_ATOL = 1e-3;
const BENCH_RTOL = 5e-3;

export function reference(c: BenchCase): Reference {
  const op = getOp(c.op);
  const attrs = c.attrs ?? {};
  const inputs = makeInputs(c, 1);
  const outputs = op.cpu.fwd(inputs.map((d, i) => host(c.inputs[i], d.slice())), attrs);
  if (op.kind !== 'layer') return { inputs, outputs, dy: null, grads: [] };
  const dy = new Random(2).normals(sizeOf(outputs[0].shape));
  const grads = op.cpu.bwd!(inputs.map((d, i) => host(c.inputs[i], d.slice())), outputs, host(outputs[0].shape, dy), attrs);
  return { inputs, outputs, dy, grads };
}

function compare(check: Check, label: string, got: Float32Array, want: ArrayLike<number>, atol: number, rtol: number): void {
  if (got.length !== want.length) throw new Error(`${label}: ${got.length} values, expected ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - want[i]) / (atol + rtol * Math.abs(want[i]));
    if (!(err <= check.worst)) {
      check.worst = Number.isNaN(err) ? Infinity : err;
      check.where = `${label}[${i}]: got ${got[i]}, want ${want[i]}`;
    }
  }
}

/**
 * The backward passes a kernel bench times: the whole one (dx, dw, db), and for ops that can skip
 * their input gradient (conv2d) the weight gradients alone, as training runs the first layer:
 * the two apart show what dx costs.
 */
const BACKWARD_PASSES = {
  bwd: () => true,
  'bwd-dw': (input: number) => input > 0,
} as const;
export type BackwardPass = keyof typeof BACKWARD_PASSES;

export function backwardPasses(opName: string): BackwardPass[] {
  return getOp(opName).skipsUnneededGrads ? ['bwd', 'bwd-dw'] : ['bwd'];
}

/** The `needed` mask of a backward pass over an op's inputs. */
export const neededFor = (pass: BackwardPass, inputs: number): boolean[] => Array.from({ length: inputs }, (_, i) => BACKWARD_PASSES[pass](i));

/**
 * Runs forward and each backward pass once on `backend` and compares the gradients
 * each asked for with the reference.
 */
export async function validate(backend: Backend, c: BenchCase, ref: Reference): Promise<{ fwd: Check; bwd: Partial<Record<BackwardPass, Check>> }> {
  const op = getOp(c.op);
  const atol = c.atol ?? BENCH_ATOL;
  const rtol = c.rtol ?? BENCH_RTOL;
  const inputs = ref.inputs.map((d, i) => backend.tensor(c.inputs[i], d));
  const outputs = backend.forward(c.op, inputs, c.attrs ?? {});
  const fwd: Check = { worst: 0, where: '' };
  for (let i = 0; i < ref.outputs.length; i++) compare(fwd, `output ${i}`, await outputs[i].read(), ref.outputs[i].data, atol, rtol);
  const bwd: Partial<Record<BackwardPass, Check>> = {};
  if (ref.dy) {
    const dy = backend.tensor(ref.outputs[0].shape, ref.dy);
    for (const pass of backwardPasses(c.op)) {
      const check: Check = { worst: 0, where: '' };
      const needed = neededFor(pass, inputs.length);
      const grads = backend.backward(c.op, inputs, outputs, dy, c.attrs ?? {}, needed);
      for (let i = 0; i < grads.length; i++) {
        const want = ref.grads[i];
        if (needed[i] && want && !grads[i]) Object.assign(check, { worst: Infinity, where: `d${op.inputs[i]} missing` });
        else if (needed[i] && want) compare(check, `d${op.inputs[i]}`, await grads[i]!.read(), want.data, atol, rtol);
        grads[i]?.dispose();
      }
      bwd[pass] = check;
    }
    dy.dispose();
  }
  for (const t of [...inputs, ...outputs]) t.dispose();
  return { fwd, bwd };
}
