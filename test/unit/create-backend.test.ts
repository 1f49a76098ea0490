import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/runtime/gpu/device.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/runtime/gpu/device.ts')>();
  return {
    ...real,
    acquireGpuDevice: async () => {
      throw new real.NoAdapterError('Dawn found no Vulkan device (test)');
    },
  };
});

const { createBackend } = await import('../../src/runtime/create-backend.ts');

describe('choosing a backend', () => {
  it('auto falls back to the CPU with one line naming the reason', async () => {
    const notices: string[] = [];
    const backend = await createBackend('auto', { notice: (line) => notices.push(line) });
    expect(backend.name).toBe('cpu');
    expect(notices).toEqual(['[covid-ct] WebGPU unavailable (no WebGPU adapter: Dawn found no Vulkan device (test)); using the CPU backend']);
  });

  it('webgpu without an adapter is an error with the reason, not a silent CPU run', async () => {
    await expect(createBackend('webgpu')).rejects.toThrow('no WebGPU adapter: Dawn found no Vulkan device (test)');
  });

  it('rejects an unknown backend name', async () => {
    await expect(createBackend('tpu' as never)).rejects.toThrow('unknown backend "tpu" (use webgpu, cpu or auto)');
  });
});
