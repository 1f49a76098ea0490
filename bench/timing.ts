import type { Backend } from '../src/runtime/backend.ts';

export interface Timing {
  medianMs: number;
  samples: number;
  repsPerSample: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Median time of one call of `run`. Each sample repeats `run` enough times to
 * last about `sampleMs`, then waits for the backend (`sync`), so GPU samples
 * cover the whole submit. The first call, which builds pipelines, is not timed.
 */
export async function timeKernel(backend: Backend, run: () => void, { samples = 5, sampleMs = 100 } = {}): Promise<Timing> {
  run();
  await backend.sync();
  let start = performance.now();
  run();
  await backend.sync();
  const once = performance.now() - start;
  const repsPerSample = Math.max(1, Math.min(1000, Math.round(sampleMs / Math.max(once, 1e-3))));
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    start = performance.now();
    for (let r = 0; r < repsPerSample; r++) run();
    await backend.sync();
    times.push((performance.now() - start) / repsPerSample);
  }
  return { medianMs: median(times), samples, repsPerSample };
}
