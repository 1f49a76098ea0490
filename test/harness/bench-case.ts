import type { CaseResult } from '../../bench/bench-schema.ts';

/** A timed case of `npm run bench` results (ours, webgpu, light-cnn, batch-1 inference in Node) with `over` changed. */
export const benchCase = (over: Partial<CaseResult>): CaseResult => ({
  impl: 'ours',
  backend: 'webgpu',
  net: 'light-cnn',
  batch: 1,
  mode: 'infer',
  env: 'node',
  msPerImage: { median: 1000, min: 950, max: 1234.5 },
  imagesPerSec: 1,
  peakGpuBytes: 3 * 2 ** 20,
  maxAbsDiffVsOurs: 2.5e-7,
  repeats: 3,
  ...over,
});
