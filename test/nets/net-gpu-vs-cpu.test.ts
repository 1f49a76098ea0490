import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { buildNet, NET_NAMES } from '../../src/nets/index.ts';
import type { ForwardPass, Net } from '../../src/nets/net.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

/**
 * ‖got − want‖∞ / ‖want‖∞, with a floor on the scale for gradients that are
 * zero in exact arithmetic (a bias feeding batch norm) and so only rounding noise.
 */
function relErr(got: Float32Array, want: Float32Array): number {
  let diff = 0;
  let scale = 1e-4;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

function lossGradient(net: Net, pass: ForwardPass): Tensor {
  const b = net.backend;
  const labels = b.tensor([2], Float32Array.of(0, 1));
  const weights = b.tensor([2], Float32Array.of(1, 1));
  const [loss, probs] = b.forward('softmax_cross_entropy', [pass.logits, labels, weights]);
  return b.backward('softmax_cross_entropy', [pass.logits, labels, weights], [loss, probs], b.tensor([1], Float32Array.of(1)))[0]!;
}

/** The same tape on another backend: the same activations, so max-pool near-ties route gradients alike. */
async function copyTape(pass: ForwardPass, to: Backend): Promise<ForwardPass> {
  const copies = new Map<Tensor, Tensor>();
  const copy = async (t: Tensor) => {
    if (!copies.has(t)) copies.set(t, to.tensor(t.shape, await t.read()));
    return copies.get(t)!;
  };
  const tape = [];
  for (const r of pass.tape) tape.push({ ...r, inputs: await Promise.all(r.inputs.map(copy)), outputs: await Promise.all(r.outputs.map(copy)) });
  return { logits: await copy(pass.logits), tape, owned: [...copies.values()] };
}

const readAll = async (m: Map<string, Tensor>) => new Map(await Promise.all([...m].map(async ([k, t]) => [k, await t.read()] as const)));

describe.each(NET_NAMES)('%s at 64×64, batch 2: webgpu against cpu', (name) => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu.dispose());

  const spec = buildNet(name, { size: 64 });
  const weights = initialWeights(spec, 4);
  const x = new Random(5).normals(2 * 64 * 64);

  it('inference and training forward passes agree within 1e-3, BN running statistics too', async () => {
    const cpu = new CpuBackend();
    const [g, c] = [netFromWeights(spec, gpu, weights), netFromWeights(spec, cpu, weights)];
    for (const mode of ['infer', 'train'] as const) {
      const [pg, pc] = [g, c].map((net) => net.forward(net.backend.tensor([2, 1, 64, 64], x), mode, { seed: 9 }));
      expect(relErr(await pg.logits.read(), await pc.logits.read()), mode).toBeLessThan(1e-3);
    }
    const [sg, sc] = [await g.exportWeights(), await c.exportWeights()];
    for (const [param, want] of sc) expect(relErr(sg.get(param)!, want), param).toBeLessThan(1e-3);
    g.dispose();
  });

  it('backward of the same tape gives every parameter gradient within 1e-3', async () => {
    const cpu = new CpuBackend();
    const [g, c] = [netFromWeights(spec, gpu, weights), netFromWeights(spec, cpu, weights)];
    const pass = g.forward(gpu.tensor([2, 1, 64, 64], x), 'train', { seed: 9 });
    const cpuPass = await copyTape(pass, cpu);
    const gGrads = await readAll(g.backward(pass, lossGradient(g, pass)));
    const cGrads = await readAll(c.backward(cpuPass, lossGradient(c, cpuPass)));
    expect([...gGrads.keys()].sort()).toEqual(spec.params.filter((p) => p.trainable).map((p) => p.name).sort());
    for (const [param, want] of cGrads) expect(relErr(gGrads.get(param)!, want), param).toBeLessThan(1e-3);
    g.dispose();
  });
});
