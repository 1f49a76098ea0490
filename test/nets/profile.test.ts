import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { defaultTimingMethod, profileForward, releaseProfiled, type TimingMethod } from '../../src/nets/profile.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

const spec = buildNet('light-cnn', { size: 64 });
const weights = initialWeights(spec, 4);
const x = new Random(9).normals(64 * 64);
const inferNodes = spec.nodes.filter((n) => !n.trainOnly);

/** Net.forward's logits and features, and profileForward's, on the same backend. */
async function bothWays(backend: Backend, method?: TimingMethod) {
  const net = netFromWeights(spec, backend, weights);
  const input = backend.tensor([1, 1, 64, 64], x);
  const plain = net.forward(input, 'infer', { keepFeatures: true });
  const want = { logits: await plain.logits.read(), features: await plain.features!.read() };
  net.release(plain);
  const before = backend.memory().bytesInUse;
  const started = performance.now();
  const profiled = await profileForward(net, input, { keepFeatures: true, method });
  const wallMs = performance.now() - started;
  const got = { logits: await profiled.logits.read(), features: await profiled.features!.read() };
  releaseProfiled(profiled);
  const leaked = backend.memory().bytesInUse - before;
  input.dispose();
  net.dispose();
  return { want, got, profiled, leaked, wallMs };
}

describe('profileForward times every layer and computes what Net.forward computes', () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu.dispose());

  it('on the CPU: the same logits and features bit for bit, a wall time per inference node, nothing leaked', async () => {
    const { want, got, profiled, leaked } = await bothWays(new CpuBackend());
    expect(profiled.method).toBe('cpu-wall');
    expect(got.logits).toEqual(want.logits);
    expect(got.features).toEqual(want.features);
    expect(profiled.layers.map((l) => `${l.name}:${l.op}`)).toEqual(inferNodes.map((n) => `${n.name}:${n.op}`));
    expect(profiled.layers.some((l) => l.name === 'dropout')).toBe(false);
    for (const l of profiled.layers) expect(l.ms, l.name).toBeGreaterThanOrEqual(0);
    const conv1 = profiled.layers.find((l) => l.name === 'conv1')!;
    expect(conv1.ms).toBeGreaterThan(0);
    expect(leaked).toBe(0);
  });

  it.each(['gpu-timestamps', 'gpu-sync-wall'] as const)('on WebGPU with %s: logits within 1e-4 of Net.forward, every conv layer timed', async (method) => {
    if (method === 'gpu-timestamps') expect(gpu.gpu.hasTimestamps, `${gpu.description} offers no timestamp-query`).toBe(true);
    const { want, got, profiled, leaked, wallMs } = await bothWays(gpu, method);
    expect(profiled.method).toBe(method);
    for (let i = 0; i < 2; i++) expect(Math.abs(got.logits[i] - want.logits[i])).toBeLessThan(1e-4);
    expect(profiled.layers).toHaveLength(inferNodes.length);
    const convs = profiled.layers.filter((l) => l.op === 'conv2d' || l.op === 'conv_transpose2d' || l.op === 'fire_expand');
    expect(convs).toHaveLength(19);
    for (const l of convs) expect(l.ms, l.name).toBeGreaterThan(0);
    const total = profiled.layers.reduce((s, l) => s + l.ms, 0);
    expect(total).toBeGreaterThan(0);
    expect(total, 'the layers took longer than the whole pass').toBeLessThanOrEqual(wallMs);
    for (const l of profiled.layers) expect(Number.isFinite(l.ms) && l.ms >= 0, `${l.name}: ${l.ms}`).toBe(true);
    expect(leaked).toBe(0);
  });

  it('picks timestamp queries where the device has them, and refuses a method its backend cannot give', async () => {
    expect(defaultTimingMethod(new CpuBackend())).toBe('cpu-wall');
    expect(defaultTimingMethod(gpu)).toBe(gpu.gpu.hasTimestamps ? 'gpu-timestamps' : 'gpu-sync-wall');
    const net = netFromWeights(spec, new CpuBackend(), weights);
    const input = net.backend.tensor([1, 1, 64, 64], x);
    await expect(profileForward(net, input, { method: 'gpu-timestamps' })).rejects.toThrow(/needs the webgpu backend, not cpu/);
  });
});
