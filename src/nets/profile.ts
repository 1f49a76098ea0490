import type { Backend } from '../runtime/backend.ts';
import { WebGpuBackend } from '../runtime/gpu/backend.ts';
import { PassTimer } from '../runtime/gpu/pass-timer.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { NodeSpec } from './graph.ts';
import type { Net } from './net.ts';

/**
 * How per-layer times were taken:
 * - 'cpu-wall': wall time of the layer's kernels on the CPU backend;
 * - 'gpu-timestamps': GPU time between timestamp queries at the start and end of the layer's compute passes;
 * - 'gpu-sync-wall': wall time from encoding the layer to the GPU finishing it, with a wait after every
 *   layer (for adapters without 'timestamp-query'; the waits make the whole pass slower than usual).
 */
export type TimingMethod = 'cpu-wall' | 'gpu-timestamps' | 'gpu-sync-wall';

export interface LayerTiming {
  /** The graph node's name, e.g. "fire2.expand3x3". */
  readonly name: string;
  readonly op: string;
  readonly ms: number;
}

export interface ProfiledForward {
  readonly logits: Tensor;
  /** The CAM feature maps, when asked for and the net has them. */
  readonly features?: Tensor;
  /** One entry per node that runs in inference, in execution order. */
  readonly layers: LayerTiming[];
  readonly method: TimingMethod;
}

/** Starts and stops the clock around each node's forward. */
interface LayerClock {
  start(index: number): Promise<void> | void;
  stop(index: number): Promise<void> | void;
  /** Milliseconds per node, once all nodes ran. */
  results(count: number): Promise<number[]>;
  dispose(): void;
}

/** The best method the backend offers: timestamp queries on WebGPU where the device has them. */
export function defaultTimingMethod(backend: Backend): TimingMethod {
  if (!(backend instanceof WebGpuBackend)) return 'cpu-wall';
  return backend.gpu.hasTimestamps ? 'gpu-timestamps' : 'gpu-sync-wall';
}

/**
 * One inference forward pass of `net` on `x`, timing every node. The logits are those of
 * Net.forward(x, 'infer'): the same ops run on the same inputs in the same order. Unlike
 * Net.forward it keeps every activation until the pass ends (it is for one image at a time),
 * then frees all but the logits and features; release those with releaseProfiled.
 */
export async function profileForward(
  net: Net,
  x: Tensor,
  options: { keepFeatures?: boolean; method?: TimingMethod } = {},
): Promise<ProfiledForward> {
  net.checkInput(x);
  const backend = net.backend;
  const method = options.method ?? defaultTimingMethod(backend);
  const clock = await layerClock(method, backend);
  const nodes = net.spec.nodes.filter((n) => !n.trainOnly);
  const values = new Map<string, Tensor>([['input', x], ...net.params]);
  const aliases = new Map<string, string>();
  const resolve = (name: string) => aliases.get(name) ?? name;
  const computed: Tensor[] = [];
  try {
    let i = 0;
    for (const node of net.spec.nodes) {
      if (node.trainOnly) {
        aliases.set(node.name, resolve(node.inputs[0]));
        continue;
      }
      const inputs = node.inputs.map((name) => input(net, values, resolve(name), node));
      const attrs = typeof node.attrs === 'function' ? node.attrs('infer', 0) : (node.attrs ?? {});
      await clock.start(i);
      const outputs = backend.forward(node.op, inputs, attrs);
      await clock.stop(i++);
      computed.push(...outputs);
      values.set(node.name, outputs[0]);
    }
    const ms = await clock.results(nodes.length);
    const logits = values.get(resolve(net.spec.logits))!;
    const features = options.keepFeatures && net.spec.cam ? values.get(resolve(net.spec.cam.features)) : undefined;
    for (const t of computed) if (t !== logits && t !== features) t.dispose();
    return { logits, features, method, layers: nodes.map((n, i) => ({ name: n.name, op: n.op, ms: ms[i] })) };
  } catch (err) {
    for (const t of computed) t.dispose();
    throw err;
  } finally {
    clock.dispose();
  }
}

export function releaseProfiled(pass: ProfiledForward): void {
  pass.logits.dispose();
  pass.features?.dispose();
}

function input(net: Net, values: Map<string, Tensor>, name: string, node: NodeSpec): Tensor {
  const t = values.get(name);
  if (!t) throw new Error(`${net.spec.name}: node ${node.name} reads ${name}, which is not computed yet`);
  return t;
}

async function layerClock(method: TimingMethod, backend: Backend): Promise<LayerClock> {
  if (method === 'cpu-wall') {
    if (backend.name !== 'cpu') throw new Error(`timing method cpu-wall needs the cpu backend, not ${backend.name}`);
    return wallClock(async () => {});
  }
  if (!(backend instanceof WebGpuBackend)) throw new Error(`timing method ${method} needs the webgpu backend, not ${backend.name}`);
  // The input and parameter uploads must not be charged to the first layer.
  await backend.sync();
  if (method === 'gpu-sync-wall') return wallClock(() => backend.sync());
  if (!backend.gpu.hasTimestamps) throw new Error(`timing method gpu-timestamps: ${backend.description} has no 'timestamp-query'`);
  return timestampClock(backend);
}

/** Wall time per node; `settle` waits until the node's work is done. */
function wallClock(settle: () => Promise<void>): LayerClock {
  const ms: number[] = [];
  let started = 0;
  return {
    start: () => {
      started = performance.now();
    },
    stop: async (i) => {
      await settle();
      ms[i] = performance.now() - started;
    },
    results: async () => ms,
    dispose: () => {},
  };
}

function timestampClock(backend: WebGpuBackend): LayerClock {
  const timer = new PassTimer(backend.device);
  backend.passTimestamps = () => timer.nextPass();
  return {
    start: (i) => {
      timer.owner = i;
    },
    // Each node's dispatches get passes of their own, so no pass is shared by two nodes.
    stop: () => backend.endPass(),
    results: async (count) => {
      backend.passTimestamps = null;
      await backend.sync();
      return timer.millisecondsPerOwner(count);
    },
    dispose: () => {
      backend.passTimestamps = null;
      timer.destroy();
    },
  };
}
