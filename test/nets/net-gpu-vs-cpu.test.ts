import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { buildNet, NET_NAMES } from '../../src/nets/index.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { copyTape, expectGradientsAgree, lossGradient, readAll, relErr } from '../harness/net-compare.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

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
    expectGradientsAgree(spec, gGrads, cGrads, 1e-3, expect);
    g.dispose();
  });
});
