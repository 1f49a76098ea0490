import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { caseName, runOpCase } from '../harness/op-case.ts';
import { webgpuForTests } from '../harness/webgpu.ts';
import { sgdCases } from './sgd.cases.ts';

// sgd has no backward, so describeOpCases (which needs gradient cases) does not fit;
// the harness still compares param and velocity after the in-place update.
const named = sgdCases.map((c) => [caseName(c), c] as const);

describe('sgd on webgpu (Node, Dawn) matches the CPU twin', () => {
  let gpu: Backend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu?.dispose());
  it.each(named)('%s', async (_name, c) => {
    const r = await runOpCase(gpu, c);
    expect(r.compared).toBeGreaterThan(0);
    expect(r.worst, r.where).toBeLessThanOrEqual(1);
  });
});

describe('sgd follows PyTorch SGD (momentum, dampening 0, L2 weight decay)', () => {
  const hyper = { lr: 0.1, momentum: 0.9, weightDecay: 0.1 };

  async function twoSteps(backend: Backend): Promise<{ param: number[]; velocity: number[] }> {
    const param = backend.tensor([2], Float32Array.of(1, -2));
    const grad = backend.tensor([2], Float32Array.of(0.5, 0.25));
    const velocity = backend.tensor([2], new Float32Array(2));
    expect(backend.forward('sgd', [param, grad, velocity], hyper)).toEqual([]);
    backend.forward('sgd', [param, grad, velocity], hyper);
    return { param: [...(await param.read())], velocity: [...(await velocity.read())] };
  }

  // Worked by hand for param 1, grad 0.5: step 1 g = 0.5 + 0.1·1 = 0.6, v = 0.6, p = 0.94;
  // step 2 g = 0.5 + 0.094 = 0.594, v = 0.54 + 0.594 = 1.134, p = 0.94 − 0.1134 = 0.8266.
  // For param −2, grad 0.25: g = 0.05, v = 0.05, p = −2.005; g = 0.0495, v = 0.0945, p = −2.01445.
  const want = { param: [0.8266, -2.01445], velocity: [1.134, 0.0945] };

  it('on the cpu backend', async () => {
    const got = await twoSteps(new CpuBackend());
    got.param.forEach((v, i) => expect(v).toBeCloseTo(want.param[i], 5));
    got.velocity.forEach((v, i) => expect(v).toBeCloseTo(want.velocity[i], 5));
  });

  it('on webgpu', async () => {
    const gpu = await webgpuForTests();
    const got = await twoSteps(gpu);
    gpu.dispose();
    got.param.forEach((v, i) => expect(v).toBeCloseTo(want.param[i], 5));
    got.velocity.forEach((v, i) => expect(v).toBeCloseTo(want.velocity[i], 5));
  });
});
