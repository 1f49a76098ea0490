import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNet, NET_NAMES } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { preprocess } from '../../src/train/data/preprocess.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { copyTape, expectGradientsAgree, lossGradient, readAll, relErr } from '../harness/net-compare.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

const SLICES = [`${COVID_CT_IMAGES}/COVID/2020.01.24.919183-p27-132.png`, `${COVID_CT_IMAGES}/NonCOVID/1029.png`];

describe('the nets at 224×224 on 2 real CT slices: webgpu against cpu', () => {
  let gpu: WebGpuBackend;
  const x = new Float32Array(2 * 224 * 224);
  beforeAll(async () => {
    gpu = await webgpuForTests();
    for (const [i, path] of SLICES.entries()) x.set(preprocess(await loadImageFile(path)), i * 224 * 224);
  });
  afterAll(() => gpu.dispose());

  it.each(NET_NAMES)('%s: forward within 1e-3, backward of the same tape gives every parameter gradient within 1e-3', async (name) => {
    const spec = buildNet(name);
    const weights = initialWeights(spec, 17);
    const cpu = new CpuBackend();
    const [g, c] = [netFromWeights(spec, gpu, weights), netFromWeights(spec, cpu, weights)];
    const pass = g.forward(gpu.tensor([2, 1, 224, 224], x), 'train', { seed: 4 });
    const cpuPass = c.forward(cpu.tensor([2, 1, 224, 224], x), 'train', { seed: 4 });
    expect(relErr(await pass.logits.read(), await cpuPass.logits.read())).toBeLessThan(1e-3);
    c.release(cpuPass);
    const sameTape = await copyTape(pass, cpu);
    const gGrads = await readAll(g.backward(pass, lossGradient(g, pass)));
    const cGrads = await readAll(c.backward(sameTape, lossGradient(c, sameTape)));
    expect(gGrads.size).toBe(spec.params.filter((p) => p.trainable).length);
    expectGradientsAgree(spec, gGrads, cGrads, 1e-3, expect);
    g.dispose();
  }, 300_000);

  it('inference allocates no GPU buffer after the first call: activations are freed after their last use and reused', async () => {
    const spec = buildNet('light-cnn');
    const net = netFromWeights(spec, gpu, initialWeights(spec, 17));
    const input = gpu.tensor([2, 1, 224, 224], x);
    const run = async () => {
      const pass = net.forward(input, 'infer');
      await pass.logits.read();
      net.release(pass);
    };
    await run();
    const { buffersCreated, bytesAllocated } = gpu.pool.snapshot;
    await run();
    await run();
    expect(gpu.pool.snapshot.buffersCreated).toBe(buffersCreated);
    expect(gpu.pool.snapshot.bytesAllocated).toBe(bytesAllocated);
    net.dispose();
  }, 120_000);
});
