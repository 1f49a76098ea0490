import { isShared, outputF32, parallelFor, type Task } from './parallel.ts';

/** Values per work item of a threaded sum. */
const ITEM = 16384;

interface SumArgs { parts: Float32Array; count: number; out: Float32Array }

export const sumPartsTask: Task<SumArgs> = {
  name: 'sum-parts',
  run({ parts, count, out }, item) {
    const len = out.length;
    const start = item * ITEM;
    const end = Math.min(len, start + ITEM);
    out.set(parts.subarray(start, end), start);
    for (let k = 1; k < count; k++) {
      for (let i = start, j = k * len + start; i < end; i++, j++) out[i] += parts[j];
    }
  },
};

/**
 * The sum of `count` equal-length parts laid end to end, added in part order (so the same for
 * any thread count); on the worker pool in ranges of the values where `parts` is shared.
 */
export function sumParts(parts: Float32Array, count: number): Float32Array {
  const out = outputF32(parts.length / count);
  const items = Math.ceil(out.length / ITEM);
  if (isShared(parts) && isShared(out)) parallelFor(sumPartsTask, { parts, count, out }, items);
  else for (let item = 0; item < items; item++) sumPartsTask.run({ parts, count, out }, item);
  return out;
}
