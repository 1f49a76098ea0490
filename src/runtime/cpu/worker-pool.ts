// The helper threads of the fast CPU paths: worker_threads in Node, Web Workers in
// browsers (only inside a cross-origin-isolated worker, where SharedArrayBuffer exists
// and Atomics.wait may block). Helpers start once, are shared by every cpu backend and
// never keep a Node process alive.

interface Helper {
  postMessage(message: unknown): void;
}

// A variable, not a literal, so that Vite leaves the Node branch's URLs alone.
const WORKER_FILE = './pool-worker.ts';
const LOADER_FILE = '../../../scripts/register-loader.mjs';

type NodeProcess = { versions?: { node?: string }; env: Record<string, string | undefined>; getBuiltinModule(id: string): unknown };
const maybeProcess = (globalThis as { process?: NodeProcess }).process;
const nodeProcess = maybeProcess?.versions?.node ? maybeProcess : undefined;

const started: Helper[] = [];
let broken = false;

/** Whether helpers could run here at all. */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics === 'undefined') return false;
  if (nodeProcess) return true;
  const g = globalThis as { crossOriginIsolated?: boolean; WorkerGlobalScope?: unknown };
  return g.crossOriginIsolated === true && g.WorkerGlobalScope !== undefined && typeof Worker === 'function';
}

/** The thread count to use by default: COVID_CT_CPU_THREADS, else every core where memory can be shared. */
export function defaultThreads(): number {
  const forced = Number(nodeProcess?.env.COVID_CT_CPU_THREADS);
  if (Number.isInteger(forced) && forced >= 1) return forced;
  if (!canShareMemory()) return 1;
  if (nodeProcess) return (nodeProcess.getBuiltinModule('node:os') as { availableParallelism(): number }).availableParallelism();
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

function startHelper(): Helper {
  if (!nodeProcess) return new Worker(new URL('./pool-worker.ts', import.meta.url), { type: 'module' });
  const { Worker: NodeWorker } = nodeProcess.getBuiltinModule('node:worker_threads') as typeof import('node:worker_threads');
  // Workers do not inherit a loader registered in-process (Vitest): load ours for the TypeScript.
  const worker = new NodeWorker(new URL(WORKER_FILE, import.meta.url), { execArgv: ['--import', new URL(LOADER_FILE, import.meta.url).href] });
  worker.on('error', (err) => {
    broken = true;
    console.error(`[covid-ct] a CPU worker thread failed; running single-threaded: ${err.message}`);
  });
  worker.unref();
  return worker;
}

/** Stops handing work to the helpers: one stopped responding (parallel.ts). */
export function abandonHelpers(): void {
  broken = true;
}

/** n helpers, started on first use; none where they cannot run. */
export function helpers(n: number): readonly Helper[] {
  if (broken || !canShareMemory()) return [];
  try {
    while (started.length < n) started.push(startHelper());
  } catch (err) {
    broken = true;
    console.error(`[covid-ct] cannot start CPU worker threads; running single-threaded: ${(err as Error).message}`);
    return [];
  }
  return started.slice(0, n);
}
