import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { withDeviceFallback } from '../../src/runtime/create-backend.ts';
import { DeviceLostError } from '../../src/runtime/errors.ts';
import { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

describe('webgpu backend plumbing', () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu.dispose());

  it('round-trips data through a GPU buffer', async () => {
    const data = Float32Array.from({ length: 37 }, (_, i) => i * 0.25 - 3);
    const t = gpu.tensor([37], data);
    expect(Array.from(await t.read())).toEqual(Array.from(data));
    t.dispose();
  });

  it('reuses a freed buffer for GPU-written results at once, but for uploads only after a submit', async () => {
    await gpu.sync();
    const a = gpu.tensor([3, 5, 7]);
    const created = gpu.pool.snapshot.buffersCreated;
    a.dispose();
    const upload = gpu.tensor([3, 5, 7], new Float32Array(105)); // writeBuffer would run before a's pending commands
    expect(upload.handle).not.toBe(a.handle);
    const result = gpu.tensor([3, 5, 7]);
    expect(result.handle).toBe(a.handle);
    expect(gpu.pool.snapshot.buffersCreated).toBe(created + 1);
    upload.dispose();
    await gpu.sync();
    const reupload = gpu.tensor([3, 5, 7], new Float32Array(105));
    expect(reupload.handle).toBe(upload.handle);
    result.dispose();
    reupload.dispose();
  });

  it('counts bytes in use and the peak', async () => {
    await gpu.sync();
    gpu.pool.resetPeak();
    const before = gpu.memory().bytesInUse;
    const t = gpu.tensor([1000]);
    expect(gpu.memory().bytesInUse).toBe(before + 4000);
    t.dispose();
    expect(gpu.memory().bytesInUse).toBe(before);
    expect(gpu.memory().peakBytesInUse).toBe(before + 4000);
  });

  it('builds each pipeline once', async () => {
    const x = gpu.tensor([4, 4], new Float32Array(16).fill(-1));
    gpu.forward('elu', [x]).forEach((t) => t.dispose());
    const pipelines = gpu.pipelines.size;
    for (let i = 0; i < 3; i++) gpu.forward('elu', [x]).forEach((t) => t.dispose());
    await gpu.sync();
    expect(gpu.pipelines.size).toBe(pipelines);
    x.dispose();
  });

  it('gives every dispatch of a submit its own uniforms, past the first 16 KiB of them', async () => {
    await gpu.sync();
    const lengths = Array.from({ length: 150 }, (_, i) => 1 + ((i * 37) % 101));
    const sums = lengths.map((n, i) => {
      const a = gpu.tensor([n], Float32Array.from({ length: n }, (_, k) => k + i));
      const b = gpu.tensor([n], new Float32Array(n).fill(1000));
      const [sum] = gpu.forward('add', [a, b]);
      a.dispose();
      b.dispose();
      return sum;
    });
    const created = gpu.pool.snapshot.buffersCreated;
    for (const [i, sum] of sums.entries()) {
      expect(Array.from(await sum.read())).toEqual(Array.from({ length: lengths[i] }, (_, k) => k + i + 1000));
      sum.dispose();
    }
    expect(gpu.pool.snapshot.buffersCreated).toBe(created);
  });

  it('refuses tensors of another backend and tensors used after dispose, leaving no output allocated', async () => {
    const inUse = gpu.memory().bytesInUse;
    const cpuTensor = new CpuBackend().tensor([2, 2]);
    expect(() => gpu.forward('relu', [cpuTensor])).toThrow('tensor [2,2] belongs to the cpu backend, not this webgpu backend');
    const t = gpu.tensor([2, 2]);
    t.dispose();
    expect(() => gpu.forward('relu', [t])).toThrow('tensor [2,2] was used after dispose()');
    await expect(gpu.read(t)).rejects.toThrow('tensor [2,2] was used after dispose()');
    expect(gpu.memory().bytesInUse).toBe(inUse);
  });

  it('refuses a shape that is no list of whole numbers, or past the device\'s buffer limit', () => {
    expect(() => gpu.tensor([2.5])).toThrow('tensor: shape [2.5] is not a list of whole numbers ≥ 0');
    expect(() => gpu.tensor([-1])).toThrow('tensor: shape [-1] is not a list of whole numbers ≥ 0');
    expect(() => gpu.tensor([2 ** 20, 2 ** 20])).toThrow(/^tensor: shape \[1048576,1048576\] holds 1099511627776 values, more than the device's \d+ per buffer$/);
  });

  it('refuses a tensor past the storage binding limit though under the buffer limit (WebGPU defaults: 128 and 256 MiB)', async () => {
    const { create } = await import('webgpu');
    const device = await (await create([]).requestAdapter())!.requestDevice();
    const defaults = new WebGpuBackend({ device, adapterName: 'default limits', isSoftware: true, hasTimestamps: false, fourLaneSubgroups: false });
    try {
      expect(device.limits.maxStorageBufferBindingSize).toBe(2 ** 27);
      expect(device.limits.maxBufferSize).toBe(2 ** 28);
      expect(() => defaults.tensor([40, 2 ** 20])).toThrow("tensor: shape [40,1048576] holds 41943040 values, more than the device's 33554432 per buffer");
      const fits = defaults.tensor([32, 2 ** 20]);
      expect(fits.size).toBe(2 ** 25);
      fits.dispose();
    } finally {
      defaults.dispose();
    }
  });

  it('refuses a backward pass whose dOut or outputs do not fit the inputs', () => {
    const x = gpu.tensor([2, 3]);
    const [y] = gpu.forward('relu', [x]);
    expect(() => gpu.backward('relu', [x], [y], gpu.tensor([3]))).toThrow('relu: backward: dOut [3] must have the first output\'s shape [2,3]');
    expect(() => gpu.backward('relu', [x], [], y)).toThrow('relu: backward: outputs none given, the inputs give [2,3]');
  });

  it('refuses data of the wrong length, naming both sizes', () => {
    expect(() => gpu.tensor([2, 3], new Float32Array(5))).toThrow('tensor data has 5 values but shape [2,3] needs 6');
  });

  it('propagates NaN and Inf through element-wise ops as IEEE says on this adapter', async () => {
    const a = gpu.tensor([4], Float32Array.from([NaN, Infinity, Infinity, 1]));
    const b = gpu.tensor([4], Float32Array.from([1, -Infinity, 1, -Infinity]));
    const [y] = gpu.forward('add', [a, b]);
    const got = Array.from(await y.read());
    expect(got[0]).toBeNaN();
    expect(got[1]).toBeNaN();
    expect(got[2]).toBe(Infinity);
    expect(got[3]).toBe(-Infinity);
  });
});

describe('a lost GPU device', () => {
  it('makes GPU calls fail with DeviceLostError, and withDeviceFallback finishes the job on the CPU', async () => {
    const gpu = await webgpuForTests();
    const input = Float32Array.from([-2, -0.5, 0, 0.5, 2]);
    const notices: string[] = [];
    let attempts = 0;
    const job = async (backend: typeof gpu | CpuBackend) => {
      attempts++;
      const x = backend.tensor([5], input);
      if (backend === gpu) gpu.device.destroy();
      const [y] = backend.forward('elu', [x]);
      return backend.read(y);
    };
    const { result, backend } = await withDeviceFallback(gpu, job as never, { notice: (l) => notices.push(l) });
    expect(backend.name).toBe('cpu');
    expect(attempts).toBe(2);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/WebGPU device lost: .*; continuing on the CPU backend/);
    expect(Array.from(input)).toEqual([-2, -0.5, 0, 0.5, 2]);
    expect((result as Float32Array)[0]).toBeCloseTo(Math.exp(-2) - 1, 6);
    expect(() => gpu.tensor([1])).toThrow(DeviceLostError);
  });
});

describe('GPU validation errors', () => {
  it('surface as an error on the next call instead of a console line and stale data', async () => {
    const gpu = await webgpuForTests();
    const x = gpu.tensor([4], new Float32Array(4));
    // A binding too small for what the shader was told: WebGPU rejects the dispatch.
    gpu.run(getOp('relu').gpu.modules[0].source, 'relu_fwd', { x: { shape: [4], buffer: x.handle as GPUBuffer }, y: { shape: [4], buffer: gpu.device.createBuffer({ size: 4, usage: 0x80 }) } }, { n: 4 }, { threads: 4 });
    await expect(gpu.sync()).rejects.toThrow(/WebGPU validation error/);
    gpu.dispose();
  });

  it('make the read that would have returned zeros fail, and leave the device fit for the next call', async () => {
    const gpu = await webgpuForTests();
    const x = gpu.tensor([4], Float32Array.of(-1, 2, -3, 4));
    const [y] = gpu.forward('relu', [x]);
    const p = { shape: [4], buffer: gpu.tensor([4]).handle as GPUBuffer };
    gpu.run(getOp('relu').gpu.modules[0].source, 'relu_fwd', { x: p, y: p }, { n: 4 }, { threads: 4 }); // one buffer read and written: an invalid binding
    await expect(y.read()).rejects.toThrow(/WebGPU validation error: .*includes writable usage and another usage/);
    const [z] = gpu.forward('relu', [x]);
    expect(Array.from(await z.read())).toEqual([0, 2, 0, 4]);
    gpu.dispose();
  });
});

describe('update ops', () => {
  it('refuse one buffer given twice before it reaches the device', async () => {
    const gpu = await webgpuForTests();
    const p = gpu.tensor([4], Float32Array.of(1, 2, 3, 4));
    expect(() => gpu.forward('sgd', [p, gpu.tensor([4]), p], { lr: 0.1, momentum: 0.9, weightDecay: 0 })).toThrow("sgd: param and velocity share one tensor's storage; each needs its own");
    expect(Array.from(await p.read())).toEqual([1, 2, 3, 4]);
    gpu.dispose();
  });
});

describe('reshaped views', () => {
  it('share storage without a copy and leave freeing it to the source', async () => {
    const gpu = await webgpuForTests();
    const t = gpu.tensor([2, 6], Float32Array.from({ length: 12 }, (_, i) => i));
    const view = t.reshape([2, 3, 2]);
    expect(view.handle).toBe(t.handle);
    expect(Array.from(await view.read())).toEqual(Array.from(await t.read()));
    const inUse = gpu.memory().bytesInUse;
    view.dispose();
    expect(gpu.memory().bytesInUse).toBe(inUse);
    expect(() => t.reshape([5])).toThrow('cannot reshape tensor [2,6] to [5]: sizes differ');
    const orphan = t.reshape([12]);
    t.dispose();
    expect(() => orphan.read()).toThrow('tensor [12] was used after dispose() of the tensor it is a view of');
    expect(() => gpu.forward('relu', [orphan])).toThrow('tensor [12] was used after dispose() of the tensor it is a view of');
    gpu.dispose();
  });
});
