import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { waitForHelpers } from '../../src/runtime/cpu/parallel.ts';
import { helpers } from '../../src/runtime/cpu/worker-pool.ts';

// A job's sync array: [next item, helpers running, failed].
const jobSync = () => new Int32Array(new SharedArrayBuffer(12));

// A helper that joined a job and takes an item every 10 ms, 30 times, then leaves.
const SLOW_HELPER = `
const { parentPort, workerData: sync } = require('node:worker_threads');
const pause = new Int32Array(new SharedArrayBuffer(4));
Atomics.add(sync, 1, 1);
parentPort.postMessage('joined');
for (let i = 0; i < 30; i++) { Atomics.wait(pause, 0, 0, 10); Atomics.add(sync, 0, 1); }
Atomics.sub(sync, 1, 1);
Atomics.notify(sync, 1);
`;

describe('waiting for the helpers of a job', () => {
  it('waits for a helper that keeps taking items for longer than the stall limit', async () => {
    const sync = jobSync();
    const worker = new Worker(SLOW_HELPER, { eval: true, workerData: sync });
    await new Promise((resolve) => worker.once('message', resolve));
    // 300 ms of work against a limit of 8 quiet waits of 25 ms: only the taking keeps it waiting.
    waitForHelpers(sync, 'slow', 8, 25);
    expect(Atomics.load(sync, 0)).toBe(30);
    expect(Atomics.load(sync, 1)).toBe(0);
    await worker.terminate();
  });

  it('gives up on a helper that never leaves, naming the task, and runs later loops single-threaded', () => {
    const sync = jobSync();
    Atomics.store(sync, 1, 1); // joined, then died inside its item
    const started = performance.now();
    expect(() => waitForHelpers(sync, 'conv2d_fwd', 3, 10)).toThrow(/CPU worker thread stopped inside conv2d_fwd: 1 still at work, no item taken for 0\.03 s/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(helpers(2)).toEqual([]);
  });
});
