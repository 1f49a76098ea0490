import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import type { Shape } from '../../src/runtime/shape.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

// The 1×1 and 3×3 kernels that share loads across a 4-lane subgroup (the *-subgroup.wgsl shaders)
// do the same products in the same order as those that do not: their results agree bit for bit.
// The op tests run whichever the device takes (the shared ones on SwiftShader); this runs both.
// Each case has a 1×1 or 3×3 GEMM of 32 or 64 channels (the 1×1 kernels share only then).

async function bothWays(gpu: WebGpuBackend, op: string, shapes: Shape[], attrs: object): Promise<Float32Array[][]> {
  const rng = new Random(11);
  const inputs = shapes.map((s) => gpu.tensor(s, rng.normals(s.reduce((a, b) => a * b, 1))));
  const results: Float32Array[][] = [];
  for (const shared of [true, false]) {
    gpu.fourLaneSubgroups = shared;
    const [y] = gpu.forward(op, inputs, attrs);
    const dy = gpu.tensor(y.shape, new Random(12).normals(y.size));
    const [dx] = gpu.backward(op, inputs, [y], dy, attrs);
    results.push([await y.read(), await dx!.read()]);
    for (const t of [y, dy, dx!]) t.dispose();
  }
  for (const t of inputs) t.dispose();
  return results;
}

describe('1×1 and 3×3 kernels with and without shared loads', () => {
  let gpu: WebGpuBackend;
  let probed: boolean;
  beforeAll(async () => {
    gpu = await webgpuForTests();
    probed = gpu.fourLaneSubgroups;
  });
  afterAll(() => gpu.dispose());

  it('SwiftShader passes the subgroup probe (so the op tests run the shared kernels there)', (ctx) => {
    if (!/swiftshader/i.test(gpu.description)) ctx.skip();
    expect(probed).toBe(true);
  });

  it.for([
    ['conv2d', [[2, 5, 9, 19], [11, 5, 3, 3], [11]], { pad: 1, activation: 'elu' }],
    ['conv2d', [[1, 3, 7, 5], [13, 3, 3, 3], [13]], { pad: 0 }],
    ['conv2d', [[1, 16, 14, 14], [64, 16, 3, 3], [64]], { pad: 1, activation: 'relu' }],
    ['conv2d', [[2, 3, 13, 37], [9, 3, 3, 3], [9]], { stride: 2, pad: 1, activation: 'elu' }],
    ['conv2d', [[1, 1, 10, 8], [4, 1, 3, 3], [4]], { stride: 2 }],
    ['fire_expand', [[2, 7, 9, 17], [6, 7, 1, 1], [6], [13, 7, 3, 3], [13]], { activation: 'elu' }],
    ['conv2d', [[2, 6, 5, 7], [32, 6, 1, 1], [32]], { activation: 'elu' }],
    ['conv2d', [[1, 32, 3, 5], [9, 32, 1, 1], [9]], {}],
    ['fire_expand', [[1, 64, 3, 3], [64, 64, 1, 1], [64], [8, 64, 3, 3], [8]], { activation: 'relu' }],
    ['conv_transpose2d', [[1, 5, 3, 7], [5, 8, 2, 2], [8]], { stride: 2 }],
    ['conv_transpose2d', [[2, 32, 3, 5], [32, 3, 2, 2], [3]], { stride: 2, activation: 'elu' }],
  ] as const)('%s %j: y and dx bit-identical', async ([op, shapes, attrs], ctx) => {
    if (!probed) ctx.skip(); // a device without 4-lane subgroups only has the plain kernels
    const [[yShared, dxShared], [yPlain, dxPlain]] = await bothWays(gpu, op, shapes as unknown as Shape[], attrs);
    expect(yShared).toEqual(yPlain);
    expect(dxShared).toEqual(dxPlain);
    expect(yShared.some((v) => v !== 0)).toBe(true);
  });
});
