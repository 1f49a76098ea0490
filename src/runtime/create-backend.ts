import type { Backend } from './backend.ts';
import { CpuBackend } from './cpu/backend.ts';
import { DeviceLostError } from './errors.ts';
import { acquireGpuDevice } from './gpu/device.ts';
import { WebGpuBackend } from './gpu/backend.ts';

export const BACKEND_CHOICES = ['webgpu', 'cpu', 'auto'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface BackendOptions {
  /** Where one-line notices go (fallbacks); stderr by default. */
  notice?: (line: string) => void;
}

const defaultNotice = (line: string) => console.warn(line);

/** 'auto' takes WebGPU when an adapter exists and otherwise the CPU, saying why in one line. */
export async function createBackend(choice: BackendChoice, options: BackendOptions = {}): Promise<Backend> {
  if (choice === 'cpu') return new CpuBackend();
  if (choice === 'webgpu') return new WebGpuBackend(await acquireGpuDevice());
  if (choice !== 'auto') throw new Error(`unknown backend "${choice as string}" (use webgpu, cpu or auto)`);
  try {
    return new WebGpuBackend(await acquireGpuDevice());
  } catch (err) {
    (options.notice ?? defaultNotice)(`[covid-ct] WebGPU unavailable (${(err as Error).message}); using the CPU backend`);
    return new CpuBackend();
  }
}

/**
 * Runs `job` on `backend`; if the GPU device is lost part-way, says so and runs
 * the job again from the start on the CPU. The job must upload its inputs from
 * host data it owns, so nothing of the caller's is lost with the device.
 */
export async function withDeviceFallback<T>(
  backend: Backend,
  job: (backend: Backend) => Promise<T>,
  options: BackendOptions = {},
): Promise<{ result: T; backend: Backend }> {
  try {
    return { result: await job(backend), backend };
  } catch (err) {
    if (!(err instanceof DeviceLostError)) throw err;
    (options.notice ?? defaultNotice)(`[covid-ct] ${err.message}; continuing on the CPU backend`);
    const cpu = new CpuBackend();
    return { result: await job(cpu), backend: cpu };
  }
}
