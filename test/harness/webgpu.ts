import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { createBackend } from '../../src/runtime/create-backend.ts';

/** The WebGPU backend for tests. No adapter is a failure with its reason, never a skip. */
export async function webgpuForTests(): Promise<WebGpuBackend> {
  return (await createBackend('webgpu')) as WebGpuBackend;
}
