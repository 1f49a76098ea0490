// Freed tensor arrays of the cpu backend, kept for the next array of the same length: a
// fresh buffer's pages are faulted in on first touch, which at 224×224 (about a gigabyte a
// training step, both threads faulting at once) cost more than the ops that fill them.
// parallel.ts zero-fills a reused array for callers that accumulate into it (sharedF32).

const free = new Map<number, Float32Array[]>();
let pooledBytes = 0;
/** Beyond this the pool drops what it is given; a training step at 224 recycles less. */
const MAX_POOLED_BYTES = 2 ** 31;

const isSharedBuffer = (a: Float32Array) => typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;

/** A pooled array of n values holding whatever it held, shared memory when `shared`; undefined when none is free. */
export function take(n: number, shared: boolean): Float32Array | undefined {
  const list = free.get(n) ?? [];
  for (let at = list.length - 1; at >= 0; at--) {
    if (shared && !isSharedBuffer(list[at])) continue;
    const [a] = list.splice(at, 1);
    pooledBytes -= a.byteLength;
    return a;
  }
  return undefined;
}

/** Gives an array nobody reads any more to the pool; views of part of a buffer are not kept. */
export function recycle(a: Float32Array): void {
  if (a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength || a.length === 0) return;
  if (pooledBytes + a.byteLength > MAX_POOLED_BYTES) return;
  const list = free.get(a.length) ?? [];
  list.push(a);
  free.set(a.length, list);
  pooledBytes += a.byteLength;
}

/** Forgets every pooled array (the cpu backend's dispose). */
export function drainPool(): void {
  free.clear();
  pooledBytes = 0;
}
