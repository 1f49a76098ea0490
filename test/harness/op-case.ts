import type { Backend } from '../../src/runtime/backend.ts';
import { host, type HostTensor } from '../../src/runtime/host-tensor.ts';
import { Random } from '../../src/runtime/random.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { sizeOf, type Shape } from '../../src/runtime/shape.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';

/** How to fill one input: normal values (default), positive values, or class labels 0..k-1. */
export type Fill = 'normal' | 'positive' | { labels: number };

export interface OpCase {
  op: string;
  inputs: Shape[];
  attrs?: object;
  fill?: Fill[];
  /** Tolerances |got - want| ≤ atol + rtol·|want|; defaults 1e-4 / 1e-3. */
  atol?: number;
  rtol?: number;
}

export interface CaseResult {
  name: string;
  /** Worst |got - want| / (atol + rtol·|want|) over every compared value: ≤ 1 passes. */
  worst: number;
  where: string;
  compared: number;
}

export function caseName(c: OpCase): string {
  const shapes = c.inputs.map((s) => `[${s.join(',')}]`).join(' ');
  const attrs = c.attrs && Object.keys(c.attrs).length ? ' ' + JSON.stringify(c.attrs) : '';
  return `${c.op} ${shapes}${attrs}`;
}

export function makeInputs(c: OpCase, seed: number): Float32Array[] {
  const rng = new Random(seed);
  return c.inputs.map((shape, i) => {
    const n = sizeOf(shape);
    const fill = c.fill?.[i] ?? 'normal';
    if (fill === 'normal') return rng.normals(n);
    const out = new Float32Array(n);
    for (let j = 0; j < n; j++) out[j] = fill === 'positive' ? 0.5 + rng.next() : rng.int(fill.labels);
    return out;
  });
}

/**
 * Runs one op on `backend` (forward, then backward for layer ops) and compares
 * every output, every gradient and every input an op updates in place against
 * the CPU twin run on the same data.
 */
/** A backend frees each tensor's storage on its own dispose (the cpu backend reuses it), so an op must never hand back an input's. */
function expectFreshStorage(c: OpCase, inputs: Tensor[], results: (Tensor | null)[]): void {
  const storage = (t: Tensor) => (t.handle instanceof Float32Array || t.handle instanceof Float64Array ? t.handle.buffer : t.handle);
  const taken = new Set(inputs.map(storage));
  for (const t of results) if (t && taken.has(storage(t))) throw new Error(`${caseName(c)}: a result shares the storage of one of the op's inputs`);
}

/** Backward without the first input's gradient (as the net's first layer runs): none for it, the same bits for the rest. */
async function expectSkippedFirstGradient(c: OpCase, backend: Backend, inputs: Tensor[], outputs: Tensor[], dy: Tensor, full: (Float32Array | null)[]): Promise<void> {
  const grads = backend.backward(c.op, inputs, outputs, dy, c.attrs ?? {}, inputs.map((_, i) => i > 0));
  if (grads[0]) throw new Error(`${caseName(c)}: backward returned the gradient of ${getOp(c.op).inputs[0]}, which was not needed`);
  for (let i = 1; i < grads.length; i++) {
    const got = grads[i] && (await grads[i]!.read());
    if (!got !== !full[i] || (got && got.some((v, k) => !Object.is(v, full[i]![k])))) {
      throw new Error(`${caseName(c)}: the gradient of ${getOp(c.op).inputs[i]} changed when the first was not needed`);
    }
    grads[i]?.dispose();
  }
}

export async function runOpCase(backend: Backend, c: OpCase, seed = 1): Promise<CaseResult> {
  const op = getOp(c.op);
  const attrs = c.attrs ?? {};
  const atol = c.atol ?? 1e-4;
  const rtol = c.rtol ?? 1e-3;
  const data = makeInputs(c, seed);
  const refInputs: HostTensor[] = data.map((d, i) => host(c.inputs[i], d.slice()));
  const refOutputs = op.cpu.fwd(refInputs, attrs);

  const inputs = data.map((d, i) => backend.tensor(c.inputs[i], d));
  const outputs = backend.forward(c.op, inputs, attrs);
  expectFreshStorage(c, inputs, outputs);
  let worst = 0;
  let where = '';
  let compared = 0;
  const compare = async (label: string, got: Float32Array, want: ArrayLike<number>) => {
    if (got.length !== want.length) throw new Error(`${label}: ${got.length} values, expected ${want.length}`);
    for (let i = 0; i < got.length; i++) {
      const err = Math.abs(got[i] - want[i]) / (atol + rtol * Math.abs(want[i]));
      const bad = Number.isNaN(err) ? !(Number.isNaN(got[i]) && Number.isNaN(want[i])) : false;
      if (bad || err > worst) {
        worst = bad ? Infinity : err;
        where = `${label}[${i}]: got ${got[i]}, want ${want[i]}`;
      }
    }
    compared += got.length;
  };
  for (let i = 0; i < refOutputs.length; i++) await compare(`output ${i}`, await outputs[i].read(), refOutputs[i].data);
  for (let i = 0; i < inputs.length; i++) await compare(`input ${op.inputs[i]} after forward`, await inputs[i].read(), refInputs[i].data);

  if (op.kind === 'layer') {
    const rng = new Random(seed + 1);
    const dyData = rng.normals(sizeOf(refOutputs[0].shape));
    const refGrads = op.cpu.bwd!(refInputs, refOutputs, host(refOutputs[0].shape, dyData), attrs);
    const dy = backend.tensor(refOutputs[0].shape, dyData);
    const grads = backend.backward(c.op, inputs, outputs, dy, attrs);
    expectFreshStorage(c, [...inputs, ...outputs, dy], grads);
    const full: (Float32Array | null)[] = [];
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      const want = refGrads[i];
      if (!g !== !want) throw new Error(`gradient of ${op.inputs[i]}: one backend returned none`);
      full.push(g && (await g.read()));
      if (g && want) await compare(`d${op.inputs[i]}`, full[i]!, want.data);
      g?.dispose();
    }
    if (op.skipsUnneededGrads) await expectSkippedFirstGradient(c, backend, inputs, outputs, dy, full);
    dy.dispose();
  }
  for (const t of [...inputs, ...outputs]) t.dispose();
  return { name: caseName(c), worst, where, compared };
}
