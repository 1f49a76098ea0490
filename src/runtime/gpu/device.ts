import { hasFourLaneSubgroups } from './subgroup-probe.ts';

/** Finds a WebGPU device: navigator.gpu in a browser, Dawn (the `webgpu` package) in Node. */

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export class NoAdapterError extends Error {
  constructor(reason: string) {
    super(`no WebGPU adapter: ${reason}`);
    this.name = 'NoAdapterError';
  }
}

export interface GpuDevice {
  readonly device: GPUDevice;
  readonly adapterName: string;
  readonly isSoftware: boolean;
  readonly hasTimestamps: boolean;
  /** Subgroups of 4 consecutive invocations (subgroup-probe.ts): the 1×1 and 3×3 conv kernels share loads. */
  readonly fourLaneSubgroups: boolean;
}

let nodeGpu: Promise<GPU> | undefined;

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

async function nodeNavigatorGpu(): Promise<GPU> {
  const fs = await import(/* @vite-ignore */ 'node:fs');
  const hasHardware = ['/dev/dri/renderD128', '/dev/nvidia0', '/dev/dxg'].some((p) => fs.existsSync(p));
  // Vulkan reads this once, before the first adapter request: it has to be set first.
  if (!process.env.VK_ICD_FILENAMES && !hasHardware && fs.existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // The Vulkan loader complains on every start when this is unset (headless servers, CI).
  if (!process.env.XDG_RUNTIME_DIR) {
    const os = await import(/* @vite-ignore */ 'node:os');
    process.env.XDG_RUNTIME_DIR = fs.mkdtempSync(`${os.tmpdir()}/covid-ct-xdg-`);
  }
  const pkg = 'webgpu';
  const dawn = await import(/* @vite-ignore */ pkg);
  Object.assign(globalThis, dawn.globals);
  return dawn.create([]) as GPU;
}

let quietWaits = 0;
let realSetImmediate: typeof setImmediate;

/**
 * Waits for a GPU promise. Dawn's Node binding polls for finished GPU work with
 * back-to-back setImmediate calls while any of its promises is pending, which
 * spins a CPU core that SwiftShader's workers need; while we wait, it polls
 * once a millisecond instead. (Browsers do not poll from the page.)
 */
export async function quietWait<T>(promise: Promise<T>): Promise<T> {
  if (!isNode) return promise;
  if (quietWaits++ === 0) {
    realSetImmediate = globalThis.setImmediate;
    globalThis.setImmediate = ((fn: (...args: unknown[]) => void, ...args: unknown[]) => setTimeout(fn, 1, ...args)) as unknown as typeof setImmediate;
  }
  try {
    return await promise;
  } finally {
    if (--quietWaits === 0) globalThis.setImmediate = realSetImmediate;
  }
}

async function getGpu(): Promise<GPU> {
  if (typeof navigator !== 'undefined' && 'gpu' in navigator && navigator.gpu) return navigator.gpu;
  if (isNode) return (nodeGpu ??= nodeNavigatorGpu());
  if (typeof window !== 'undefined' && !window.isSecureContext) {
    throw new NoAdapterError('this page is not a secure context (serve it from https:// or http://127.0.0.1)');
  }
  throw new NoAdapterError('this browser has no navigator.gpu (WebGPU is disabled or unsupported)');
}

const WANTED_LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage'] as const;

export async function acquireGpuDevice(): Promise<GpuDevice> {
  let gpu: GPU;
  try {
    gpu = await getGpu();
  } catch (err) {
    if (err instanceof NoAdapterError) throw err;
    throw new NoAdapterError(`could not load the Node WebGPU binding (${(err as Error).message})`);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    const hint = isNode
      ? `Dawn found no Vulkan device; on Linux install Debian's chromium (SwiftShader at ${SWIFTSHADER_ICD}) and libvulkan1`
      : 'the browser offered none (start Chromium with --enable-unsafe-webgpu, or it has no usable GPU)';
    throw new NoAdapterError(hint);
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const hasTimestamps = adapter.features.has('timestamp-query');
  const subgroups = adapter.features.has('subgroups');
  const requiredFeatures = [...(hasTimestamps ? ['timestamp-query'] : []), ...(subgroups ? ['subgroups'] : [])] as GPUFeatureName[];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.description || info.device].filter(Boolean).join(' ') || 'unknown adapter';
  const isSoftware = info.isFallbackAdapter || /swiftshader|llvmpipe|warp/i.test(adapterName);
  // The probe's pipeline may get another subgroup size than the kernels' where a driver picks it per pipeline: only an adapter of 4 alone passes.
  const onlyFourLanes = info.subgroupMinSize === 4 && info.subgroupMaxSize === 4;
  return { device, adapterName, isSoftware, hasTimestamps, fourLaneSubgroups: subgroups && onlyFourLanes && (await hasFourLaneSubgroups(device)) };
}
