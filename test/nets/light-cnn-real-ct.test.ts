import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { preprocess } from '../../src/train/data/preprocess.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { copyTape, expectGradientsAgree, lossGradient, readAll, relErr } from '../harness/net-compare.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

const SLICES = [`${COVID_CT_IMAGES}/COVID/2020.01.24.919183-p27-132.png`, `${COVID_CT_IMAGES}/NonCOVID/1029.png`];

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await webgpuForTests();
});
afterAll(() => gpu.dispose());

it('light-cnn at 224×224 on 2 real CT slices: webgpu forward, backward and every parameter gradient within 1e-3 of cpu', async () => {
  const x = new Float32Array(2 * 224 * 224);
  for (const [i, path] of SLICES.entries()) x.set(preprocess(await loadImageFile(path)), i * 224 * 224);
  const spec = buildNet('light-cnn');
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
