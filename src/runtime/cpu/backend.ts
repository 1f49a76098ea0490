import type { Backend, MemoryStats } from '../backend.ts';
import { host, type Arr, type HostTensor } from '../host-tensor.ts';
import { getOp } from '../registry.ts';
import { sizeOf, fmt, type Shape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkBackwardShapes, checkTensorShape, checkUpdateInputs, foreignTensor, outputShapes } from '../validate.ts';
import { drainPool, recycle } from './array-pool.ts';
import { outputF32, sharedF32, useThreads } from './parallel.ts';
import { defaultThreads, helpers } from './worker-pool.ts';

export interface CpuBackendOptions {
  /** Every tensor a Float64Array, reference twins only. */
  float64?: boolean;
  /** Threads for the heavy ops; default COVID_CT_CPU_THREADS or every core, 1 where memory cannot be shared. */
  threads?: number;
}

/**
 * Runs every op on the CPU: an op's optimised code where it has one, else its
 * reference twin. With `float64` every tensor is a Float64Array and only the
 * reference twins run: whole-net finite-difference checks use that. The
 * optimised convolutions spread over `threads` threads (parallel.ts); their
 * results do not depend on the thread count.
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  readonly description: string;
  private bytesInUse = 0;
  private peak = 0;
  readonly threads: number;

  constructor(private readonly options: CpuBackendOptions = {}) {
    this.threads = options.float64 ? 1 : Math.max(1, Math.floor(options.threads ?? defaultThreads()));
    this.description = options.float64 ? 'CPU (JavaScript, float64 reference)' : 'CPU (JavaScript)';
    // Start the helpers now: they load in the background while the first ops run without them.
    helpers(this.threads - 1);
  }

  tensor(shape: Shape, data?: Float32Array | Float64Array): Tensor {
    checkTensorShape(shape);
    const n = sizeOf(shape);
    if (data && data.length !== n) throw new Error(`tensor data has ${data.length} values but shape ${fmt(shape)} needs ${n}`);
    if (this.options.float64) return this.wrap(shape, data ? Float64Array.from(data) : new Float64Array(n));
    useThreads(this.threads);
    const t = data ? outputF32(n) : sharedF32(n);
    if (data) t.set(data);
    return this.wrap(shape, t);
  }

  async read(t: Tensor): Promise<Float32Array> {
    return Float32Array.from(this.host(t).data);
  }

  /** The values at the backend's own precision (float64 in a float64 backend). */
  readExact(t: Tensor): Arr {
    return this.data(t).slice();
  }

  /** Every op's outputs are new arrays, never an input's (the op tests check it), so a released one is free for reuse. */
  release(t: Tensor): void {
    const data = this.data(t);
    this.bytesInUse -= data.byteLength;
    if (data instanceof Float32Array) recycle(data);
  }

  forward(opName: string, inputs: Tensor[], attrs: object = {}): Tensor[] {
    const op = getOp(opName);
    outputShapes(op, inputs.map((t) => t.shape), attrs);
    checkUpdateInputs(op, inputs);
    useThreads(this.threads);
    const outs = ((!this.options.float64 && op.cpuFast?.fwd) || op.cpu.fwd)(inputs.map((t) => this.host(t)), attrs);
    return outs.map((o) => this.wrap(o.shape, o.data));
  }

  backward(opName: string, inputs: Tensor[], outputs: Tensor[], dOut: Tensor, attrs: object = {}, needed?: readonly boolean[]): (Tensor | null)[] {
    const op = getOp(opName);
    const bwd = (!this.options.float64 && op.cpuFast?.bwd) || op.cpu.bwd;
    if (!bwd) throw new Error(`${opName} has no backward pass`);
    checkBackwardShapes(op, inputs.map((t) => t.shape), outputs.map((t) => t.shape), dOut.shape, attrs);
    useThreads(this.threads);
    const wanted = inputs.map((_, i) => op.grads[i] && (needed?.[i] ?? true));
    const grads = bwd(inputs.map((t) => this.host(t)), outputs.map((t) => this.host(t)), this.host(dOut), attrs, wanted);
    return grads.map((g, i) => (g && wanted[i] ? this.wrap(g.shape, g.data) : null));
  }

  async sync(): Promise<void> {}

  memory(): MemoryStats {
    return { bytesInUse: this.bytesInUse, peakBytesInUse: this.peak };
  }

  dispose(): void {
    drainPool();
  }

  private host(t: Tensor): HostTensor {
    t.checkAlive();
    if (t.backend !== this) throw new Error(foreignTensor(t, 'cpu'));
    return host(t.shape, this.data(t));
  }

  private data(t: Tensor): Arr {
    return t.handle as Arr;
  }

  private wrap(shape: Shape, data: Arr): Tensor {
    this.bytesInUse += data.byteLength;
    this.peak = Math.max(this.peak, this.bytesInUse);
    return new Tensor(shape, this, data);
  }
}
