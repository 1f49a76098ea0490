import type { GraphSpec } from '../../src/nets/graph.ts';
import type { ForwardPass, Net } from '../../src/nets/net.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';

/** ‖got − want‖∞ / ‖want‖∞ */
export function relErr(got: Float32Array, want: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff === 0 ? 0 : diff / scale;
}

export function lossGradient(net: Net, pass: ForwardPass): Tensor {
  const b = net.backend;
  const labels = b.tensor([2], Float32Array.of(0, 1));
  const weights = b.tensor([2], Float32Array.of(1, 1));
  const [loss, probs] = b.forward('softmax_cross_entropy', [pass.logits, labels, weights]);
  return b.backward('softmax_cross_entropy', [pass.logits, labels, weights], [loss, probs], b.tensor([1], Float32Array.of(1)))[0]!;
}

/** The same tape on another backend: the same activations, so max-pool near-ties route gradients alike. */
export async function copyTape(pass: ForwardPass, to: Backend): Promise<ForwardPass> {
  const copies = new Map<Tensor, Tensor>();
  const copy = async (t: Tensor) => {
    if (!copies.has(t)) copies.set(t, to.tensor(t.shape, await t.read()));
    return copies.get(t)!;
  };
  const tape = [];
  for (const r of pass.tape) tape.push({ ...r, inputs: await Promise.all(r.inputs.map(copy)), outputs: await Promise.all(r.outputs.map(copy)) });
  return { logits: await copy(pass.logits), tape, owned: [...copies.values()] };
}

export const readAll = async (m: Map<string, Tensor>) => new Map(await Promise.all([...m].map(async ([k, t]) => [k, await t.read()] as const)));

/**
 * A bias whose layer feeds only batch norm has a zero gradient in exact
 * arithmetic (BN subtracts the mean): both backends give rounding noise there.
 */
export function biasBeforeBatchNorm(spec: GraphSpec, param: string): boolean {
  if (!param.endsWith('.bias')) return false;
  const layer = spec.nodes.find((n) => n.inputs.includes(param));
  const consumers = spec.nodes.filter((n) => layer && n.inputs.includes(layer.name));
  return consumers.length > 0 && consumers.every((n) => n.op === 'batchnorm');
}

/** Every trainable gradient within `tol` (relative), and gradients that are zero in exact arithmetic below 1e-5 on both. */
export function expectGradientsAgree(spec: GraphSpec, got: Map<string, Float32Array>, want: Map<string, Float32Array>, tol: number, expect: (v: unknown, m?: string) => { toBeLessThan(n: number): void }): void {
  for (const [param, w] of want) {
    const g = got.get(param)!;
    if (biasBeforeBatchNorm(spec, param)) {
      expect(Math.max(...g.map(Math.abs), ...w.map(Math.abs)), param).toBeLessThan(1e-5);
    } else {
      expect(relErr(g, w), param).toBeLessThan(tol);
    }
  }
}
