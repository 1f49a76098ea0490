import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { channelSums, type ChannelSlice } from '../../src/runtime/ops/channel-sums-gpu.ts';
import { Random } from '../../src/runtime/random.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

// The bias gradients' kernel (shaders/channel-sums.wgsl), on slices that sum in one pass (splits 1),
// in a few uneven splits, in more splits than a row has values, and in hundreds (conv1's gradient at batch 16), against float64 sums.

describe('channelSums on webgpu', () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu.dispose());

  it.each<ChannelSlice>([
    { n: 1, channels: 3, first: 1, count: 1, hw: 50 },
    { n: 2, channels: 5, first: 0, count: 5, hw: 9 * 11 },
    { n: 300, channels: 2, first: 1, count: 1, hw: 5 },
    { n: 3, channels: 7, first: 2, count: 4, hw: 131 * 67 },
    { n: 16, channels: 64, first: 0, count: 64, hw: 56 * 56 },
  ])('n $n, channels $first..+$count of $channels, hw $hw', async (slice) => {
    const values = new Random(slice.hw).normals(slice.n * slice.channels * slice.hw);
    const src = gpu.tensor([slice.n, slice.channels, slice.hw], values);
    const sums = gpu.tensor([slice.count]);
    channelSums(gpu, { shape: src.shape, buffer: src.handle as GPUBuffer }, { shape: sums.shape, buffer: sums.handle as GPUBuffer }, slice);
    const got = await sums.read();
    for (let c = 0; c < slice.count; c++) {
      let [want, magnitude] = [0, 0];
      for (let n = 0; n < slice.n; n++) {
        const base = (n * slice.channels + slice.first + c) * slice.hw;
        for (let p = 0; p < slice.hw; p++) [want, magnitude] = [want + values[base + p], magnitude + Math.abs(values[base + p])];
      }
      expect(Math.abs(got[c] - want), `channel ${c}: ${got[c]} against ${want}`).toBeLessThan(1e-6 * magnitude + 1e-6);
    }
    src.dispose();
    sums.dispose();
  });
});
