import type { Backend } from '../src/runtime/backend.ts';

export interface Timing {
  medianMs: number;
  /** The fastest and slowest sample: the spread of the median. */
  minMs: number;
  maxMs: number;
  /** Median process CPU time per call (all threads, SwiftShader's included): on a shared machine it shows what wall time hides. */
  medianCpuMs: number;
  samples: number;
  repsPerSample: number;
}

/** The middle value; for an even count the mean of the two middle values. */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Median time of one call of `run`. Each sample repeats `run` enough times to
 * last about `sampleMs`, then waits for the backend (`sync`), so GPU samples
 * cover the whole submit. Warm-up calls are not timed.
 */
export async function timeKernel(backend: Backend, run: () => void, { samples = 5, sampleMs = 100, warmupMs = 300 } = {}): Promise<Timing> {
  // Warm-up: pipelines get built and the JIT settles (V8 needs a few calls to optimise the CPU loops).
  run();
  await backend.sync();
  let calls = 0;
  let start = performance.now();
  while (calls < 2 || (calls < 50 && performance.now() - start < warmupMs)) {
    run();
    await backend.sync();
    calls++;
  }
  const once = (performance.now() - start) / calls;
  const repsPerSample = Math.max(1, Math.min(1000, Math.round(sampleMs / Math.max(once, 1e-3))));
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let s = 0; s < samples; s++) {
    const cpu = process.cpuUsage();
    start = performance.now();
    for (let r = 0; r < repsPerSample; r++) run();
    await backend.sync();
    times.push((performance.now() - start) / repsPerSample);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000 / repsPerSample);
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), medianCpuMs: median(cpuTimes), samples, repsPerSample };
}
