import type { BenchMode, Impl } from './bench-schema.ts';
import type { Measured, TimingPlan } from './latency.ts';

/** One case for the bench page, as plain data (it crosses puppeteer's page.evaluate). */
export interface PageCase {
  impl: Impl;
  backend: string;
  net: string;
  size: number;
  batch: number;
  mode: BenchMode;
  plan: TimingPlan;
  /** Our CPU backend's probabilities for the same batch (from Node); null for training steps. */
  reference: number[] | null;
  /** Where the page fetches our exported ONNX model (ort-web cases). */
  onnxUrl?: string;
}

export interface PageAdapter {
  name: string | null;
  isSoftware: boolean;
  /** Our 1×1 and 3×3 kernels share loads across 4-lane subgroups (src/runtime/gpu/subgroup-probe.ts). */
  fourLaneSubgroups: boolean;
  crossOriginIsolated: boolean;
  /** Threads the wasm peers may use. */
  threads: number;
  /** Why there is no WebGPU adapter. */
  reason: string | null;
}

export interface BenchPageApi {
  adapter(): Promise<PageAdapter>;
  run(c: PageCase): Promise<Measured>;
}

declare global {
  interface Window {
    benchPage: BenchPageApi;
  }
}
