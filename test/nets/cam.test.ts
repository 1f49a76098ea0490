import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classActivationMaps, upsampleBilinear } from '../../src/nets/cam.ts';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

const spec = buildNet('light-cnn', { size: 64 });
const weights = initialWeights(spec, 6);
weights.set('fc.bias', Float32Array.of(0.3, -0.2));
const x = new Random(2).normals(2 * 64 * 64);

async function camsAndLogits(backend: Backend) {
  const net = netFromWeights(spec, backend, weights);
  const pass = net.forward(backend.tensor([2, 1, 64, 64], x), 'infer', { keepFeatures: true });
  const cams = await classActivationMaps(net, pass.features!);
  const logits = await pass.logits.read();
  const features = await pass.features!.read();
  net.release(pass);
  return { cams, logits, features };
}

describe('class activation maps of light-cnn', () => {
  let gpu: Backend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu.dispose());

  it('are Σ_k w[c,k]·F_k, and their mean plus the class bias is the logit', async () => {
    const { cams, logits, features } = await camsAndLogits(new CpuBackend());
    const [h, w] = cams.rawSize;
    expect([h, w]).toEqual([16, 16]);
    const fc = weights.get('fc.weight')!;
    const hw = h * w;
    const at = 37;
    let byHand = 0;
    for (let k = 0; k < 320; k++) byHand += fc[320 + k] * features[(1 * 320 + k) * hw + at];
    expect(cams.raw[(1 * 2 + 1) * hw + at]).toBeCloseTo(byHand, 4);
    for (let i = 0; i < 2; i++) {
      for (let c = 0; c < 2; c++) {
        const plane = cams.raw.subarray((i * 2 + c) * hw, (i * 2 + c + 1) * hw);
        const mean = plane.reduce((a, v) => a + v, 0) / hw;
        expect(mean + weights.get('fc.bias')![c]).toBeCloseTo(logits[i * 2 + c], 4);
      }
    }
    expect(cams.data.length).toBe(2 * 2 * 64 * 64);
  });

  it('agree between webgpu and cpu', async () => {
    const [g, c] = [await camsAndLogits(gpu), await camsAndLogits(new CpuBackend())];
    const scale = Math.max(...c.cams.data.map(Math.abs));
    const diff = Math.max(...g.cams.data.map((v, i) => Math.abs(v - c.cams.data[i])));
    expect(diff / scale).toBeLessThan(1e-4);
  });

  it('are refused for a net without them', async () => {
    const net = netFromWeights(buildNet('squeezenet', { size: 64 }), new CpuBackend(), initialWeights(buildNet('squeezenet', { size: 64 }), 1));
    await expect(classActivationMaps(net, new CpuBackend().tensor([1, 320, 2, 2]))).rejects.toThrow('squeezenet has no class activation maps (only light-cnn does)');
  });
});

describe('bilinear upsampling', () => {
  it('keeps a constant plane constant and interpolates between pixel centres', () => {
    expect(Array.from(upsampleBilinear(new Float32Array(4).fill(3), 1, 2, 2, 4, 4))).toEqual(new Array(16).fill(3));
    // 1×2 → 1×4: centres of the output at 0.5, 1.5, 2.5, 3.5 map to source −0.25, 0.25, 0.75, 1.25 (clamped).
    expect(Array.from(upsampleBilinear(Float32Array.of(0, 4), 1, 1, 2, 1, 4))).toEqual([0, 1, 3, 4]);
  });
});
