import type { Arr } from '../host-tensor.ts';
import { take } from './array-pool.ts';
import { abandonHelpers, helpers } from './worker-pool.ts';

// Data-parallel loops of the fast CPU paths. A task's items are independent and
// each writes its own part of the output, so any thread may run any item and the
// result does not depend on the thread count. With helpers, the calling thread
// posts the job (typed arrays over SharedArrayBuffer travel shared, not copied),
// takes items from a shared counter like every helper, then blocks with
// Atomics.wait until the helpers that joined have finished.

/** A named loop body; workers find it by name in tasks.ts. */
export interface Task<A> {
  readonly name: string;
  run(args: A, item: number): void;
}

/** A job as posted to a helper; sync = [next item, helpers running, failed]. */
export interface Job {
  task: string;
  args: unknown;
  count: number;
  sync: Int32Array;
}

let threads = 1;

/** How many threads the next loops may use; the cpu backend sets its own before each op. */
export function useThreads(n: number): void {
  threads = n;
}

/** A zero-filled array of n values, in shared memory when loops may run on several threads. */
export const sharedF32 = (n: number): Float32Array => take(n, threads > 1)?.fill(0) ?? freshF32(n);

/** An array of n values for an output its caller writes in full: a reused one still holds its old values. */
export const outputF32 = (n: number): Float32Array => take(n, threads > 1) ?? freshF32(n);

const freshF32 = (n: number) => (threads > 1 ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n));

const temps = new Map<string, Float32Array>();

/**
 * A shared buffer for an op's intermediate values (never its result), kept for the op's next call
 * and holding whatever that call left. Fresh SharedArrayBuffer pages are faulted in on first touch,
 * which, with every thread touching them at once, cost more than the GEMMs that fill them.
 */
export function sharedTemp(name: string, n: number): Float32Array {
  let t = temps.get(name);
  if (!t || t.length < n || (threads > 1 && !isShared(t))) temps.set(name, (t = sharedF32(n)));
  return t.subarray(0, n);
}

export const isShared = (a: Arr): boolean => typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;

/** `a` as a Float32Array that helpers can read: itself when it already is one. */
export function toShared(a: Arr): Float32Array {
  if (a instanceof Float32Array && (isShared(a) || threads === 1)) return a;
  const out = outputF32(a.length);
  out.set(a);
  return out;
}

export function runItems<A>(task: Task<A>, args: A, count: number, sync: Int32Array): void {
  for (let i = Atomics.add(sync, 0, 1); i < count; i = Atomics.add(sync, 0, 1)) task.run(args, i);
}

/** Runs task.run(args, i) for every i < count, on up to the current number of threads. */
export function parallelFor<A>(task: Task<A>, args: A, count: number): void {
  const pool = threads > 1 && count > 1 ? helpers(Math.min(threads, count) - 1) : [];
  const sync = new Int32Array(pool.length ? new SharedArrayBuffer(12) : new ArrayBuffer(12));
  const job: Job = { task: task.name, args, count, sync };
  for (const h of pool) h.postMessage(job);
  try {
    runItems(task, args, count, sync);
  } finally {
    waitForHelpers(sync, task.name);
  }
  if (Atomics.load(sync, 2)) throw new Error(`a CPU worker thread failed in ${task.name} (its error is on stderr)`);
}

/**
 * Blocks until the helpers that joined a job have left it (a later one finds no items left). One that
 * dies inside an item (killed for memory) never leaves, unseen by anything synchronous: after
 * `stallWaits` waits in a row with no item taken and none leaving, this gives up instead of hanging.
 * Waits, not wall time, are counted: a process suspended and woken does not look stalled.
 */
export function waitForHelpers(sync: Int32Array, task: string, stallWaits = 60, waitMs = 1000): void {
  let quiet = 0;
  for (let running = Atomics.load(sync, 1); running !== 0; running = Atomics.load(sync, 1)) {
    const taken = Atomics.load(sync, 0);
    const timedOut = Atomics.wait(sync, 1, running, waitMs) === 'timed-out';
    quiet = timedOut && Atomics.load(sync, 0) === taken ? quiet + 1 : 0;
    if (quiet < stallWaits) continue;
    abandonHelpers();
    throw new Error(`a CPU worker thread stopped inside ${task}: ${running} still at work, no item taken for ${(stallWaits * waitMs) / 1000} s (killed for memory?); this op's result is incomplete, later ops run single-threaded`);
  }
}
