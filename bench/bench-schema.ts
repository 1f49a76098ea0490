/** The shape of `npm run bench` results (bench-results/<date>.json), shared by Node and the bench page. */

export type Impl = 'ours' | 'tfjs' | 'ort-web' | 'ort-node';
export type Env = 'node' | 'chromium';
export type BenchMode = 'infer' | 'train';

export interface MsPerImage {
  median: number;
  min: number;
  max: number;
}

export interface CaseResult {
  impl: Impl;
  /** Ours: 'webgpu' | 'cpu'; tfjs: 'cpu' | 'wasm' | 'webgpu'; ONNX Runtime: 'cpu' | 'wasm' | 'webgpu'. */
  backend: string;
  net: string;
  batch: number;
  mode: BenchMode;
  env: Env;
  /** Null when the case was not timed: its output disagreed with ours, or it failed. */
  msPerImage: MsPerImage | null;
  imagesPerSec: number | null;
  /** Peak bytes of GPU buffers during the timed runs; null on CPU backends and where the library does not say. */
  peakGpuBytes: number | null;
  /** Largest |p − p_ours| over the class probabilities of the batch; null for training steps (dropout is random). */
  maxAbsDiffVsOurs: number | null;
  /** Timed runs after the warm-up. */
  repeats: number;
  /**
   * The case's first run after its setup (weights loaded), ms for the whole batch: it pays what the
   * warm runs reuse, such as activation buffers, kernels a peer compiles lazily, and our pipelines
   * where no earlier case on the same backend made them (so the first case of a backend is a page's
   * cold start). Null where the case failed or disagreed with ours; absent in results from before 2026-11-28.
   */
  firstRunMs?: number | null;
  /** Why there is no time, or how the peer ran (threads, SIMD). */
  note?: string;
}

export interface MachineInfo {
  cpus: number;
  model: string;
  /** os.loadavg() when the bench started and when it ended: other work on the machine slows every figure. */
  loadAverage: number[];
  loadAverageAtEnd: number[];
  node: string;
  /** Chromium's version string, or null when the Chromium part did not run. */
  chromium: string | null;
}

export interface AdapterInfo {
  /** The WebGPU adapter in Node (Dawn), or null without one. */
  name: string | null;
  isSoftware: boolean;
  /** Our 1×1 and 3×3 kernels shared loads across 4-lane subgroups (src/runtime/gpu/subgroup-probe.ts). */
  fourLaneSubgroups: boolean;
  /** The adapter Chromium offered the bench page, when the Chromium part ran. */
  chromium: { name: string | null; isSoftware: boolean; fourLaneSubgroups: boolean } | null;
}

export interface BenchResults {
  date: string;
  /** The command line that produced these figures. */
  command: string;
  /** Input height and width of every case (absent in results from before 2026-11-28). */
  size?: number;
  machine: MachineInfo;
  adapter: AdapterInfo;
  cases: CaseResult[];
}
