import { Net } from '../src/nets/net.ts';
import type { Backend } from '../src/runtime/backend.ts';
import { WebGpuBackend } from '../src/runtime/gpu/backend.ts';
import { PassTimer } from '../src/runtime/gpu/pass-timer.ts';
import { Random } from '../src/runtime/random.ts';
import type { Tensor } from '../src/runtime/tensor.ts';

export interface BackwardTiming {
  /** Milliseconds of each tape node's backward, by node name. */
  byNode: Map<string, number>;
  /** Adding up the gradients of values read by several nodes (skip connection, concat inputs, bypasses). */
  gradientSumsMs: number;
  method: 'cpu-wall' | 'gpu-timestamps';
}

/** Starts and stops the clock around one backend call; `owner` says what it is charged to. */
interface CallClock {
  around<T>(owner: number, call: () => T): T;
  results(owners: number): Promise<number[]>;
  dispose(): void;
}

function wallClock(): CallClock {
  const ms: number[] = [];
  return {
    around(owner, call) {
      const start = performance.now();
      const out = call();
      ms[owner] = (ms[owner] ?? 0) + performance.now() - start;
      return out;
    },
    results: async (owners) => Array.from({ length: owners }, (_, i) => ms[i] ?? 0),
    dispose: () => {},
  };
}

// 2048 passes need 4096 queries, the most a query set may hold; a backward pass of our nets needs a few hundred.
function timestampClock(backend: WebGpuBackend): CallClock {
  const timer = new PassTimer(backend.device, 2048);
  backend.passTimestamps = () => timer.nextPass();
  return {
    around(owner, call) {
      timer.owner = owner;
      const out = call();
      // A timing boundary: the next call's dispatches begin a pass of their own.
      backend.endPass();
      return out;
    },
    async results(owners) {
      backend.passTimestamps = null;
      await backend.sync();
      return timer.millisecondsPerOwner(owners);
    },
    dispose() {
      backend.passTimestamps = null;
      timer.destroy();
    },
  };
}

/** Delegates to `inner`, charging each backward call to its tape node and every forward call (gradient sums) to `sumsOwner`. */
function clockedBackend(inner: Backend, clock: CallClock, nodeOf: (inputs: Tensor[]) => number, sumsOwner: number): Backend {
  return {
    name: inner.name,
    description: inner.description,
    tensor: (shape, data) => inner.tensor(shape, data),
    read: (t) => inner.read(t),
    release: (t) => inner.release(t),
    forward: (op, inputs, attrs) => clock.around(sumsOwner, () => inner.forward(op, inputs, attrs)),
    backward: (op, inputs, outputs, dOut, attrs, needed) => clock.around(nodeOf(inputs), () => inner.backward(op, inputs, outputs, dOut, attrs, needed)),
    sync: () => inner.sync(),
    memory: () => inner.memory(),
    dispose: () => {},
  };
}

/**
 * Times the backward pass of one training step node by node: a training-mode forward, then
 * Net.backward itself, run through a backend that clocks every call (GPU timestamp queries on
 * WebGPU, wall time on the CPU). Needs 'timestamp-query' on WebGPU: backward calls cannot wait
 * for the GPU in between.
 */
export async function profileBackward(net: Net, x: Tensor): Promise<BackwardTiming> {
  const backend = net.backend;
  const gpu = backend instanceof WebGpuBackend ? backend : null;
  if (gpu && !gpu.gpu.hasTimestamps) throw new Error(`backward profile on ${gpu.description} needs 'timestamp-query'`);
  const pass = net.forward(x, 'train', { seed: 1 });
  const dLogits = backend.tensor(pass.logits.shape, new Random(3).normals(pass.logits.size));
  await backend.sync();
  const tapeIndex = new Map(pass.tape.map((r, i) => [r.inputs, i] as const));
  const clock = gpu ? timestampClock(gpu) : wallClock();
  const sumsOwner = pass.tape.length;
  try {
    const clocked = new Net(net.spec, clockedBackend(backend, clock, (inputs) => tapeIndex.get(inputs) ?? sumsOwner, sumsOwner), net.params);
    const grads = clocked.backward(pass, dLogits);
    const ms = await clock.results(sumsOwner + 1);
    for (const g of grads.values()) g.dispose();
    return {
      byNode: new Map(pass.tape.map((r, i) => [r.node.name, ms[i]] as const)),
      gradientSumsMs: ms[sumsOwner],
      method: gpu ? 'gpu-timestamps' : 'cpu-wall',
    };
  } finally {
    clock.dispose();
    dLogits.dispose();
    net.release(pass);
  }
}
