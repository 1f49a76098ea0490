// Entry point of a helper thread (worker-pool.ts): runs its share of each posted job.
import { runItems, type Job } from './parallel.ts';
import { tasks } from './tasks.ts';

function onJob(job: Job): void {
  Atomics.add(job.sync, 1, 1);
  try {
    const task = tasks.get(job.task);
    if (!task) throw new Error(`unknown CPU task ${job.task}`);
    runItems(task, job.args as never, job.count, job.sync);
  } catch (err) {
    Atomics.store(job.sync, 2, 1);
    console.error(err);
  } finally {
    Atomics.sub(job.sync, 1, 1);
    Atomics.notify(job.sync, 1);
  }
}

const nodePort = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule(id: string): unknown } }).process?.versions?.node
  ? ((globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } }).process.getBuiltinModule('node:worker_threads') as typeof import('node:worker_threads')).parentPort
  : null;
if (nodePort) nodePort.on('message', onJob);
else addEventListener('message', (e) => onJob((e as MessageEvent<Job>).data));
