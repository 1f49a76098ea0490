import type { Backend, MemoryStats } from '../backend.ts';
import { host, type HostTensor } from '../host-tensor.ts';
import { getOp } from '../registry.ts';
import { sizeOf, fmt, type Shape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { outputShapes } from '../validate.ts';

/** Runs every op on Float32Arrays: an op's optimised CPU code where it has one, else its reference twin. */
export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  readonly description = 'CPU (JavaScript)';
  private bytesInUse = 0;
  private peak = 0;

  tensor(shape: Shape, data?: Float32Array): Tensor {
    const n = sizeOf(shape);
    if (data && data.length !== n) throw new Error(`tensor data has ${data.length} values but shape ${fmt(shape)} needs ${n}`);
    return this.wrap(shape, data ? data.slice() : new Float32Array(n));
  }

  async read(t: Tensor): Promise<Float32Array> {
    return this.data(t).slice();
  }

  release(t: Tensor): void {
    this.bytesInUse -= this.data(t).byteLength;
  }

  forward(opName: string, inputs: Tensor[], attrs: object = {}): Tensor[] {
    const op = getOp(opName);
    outputShapes(op, inputs.map((t) => t.shape), attrs);
    const outs = (op.cpuFast?.fwd ?? op.cpu.fwd)(inputs.map((t) => this.host(t)), attrs);
    return outs.map((o) => this.wrap(o.shape, o.data as Float32Array));
  }

  backward(opName: string, inputs: Tensor[], outputs: Tensor[], dOut: Tensor, attrs: object = {}): (Tensor | null)[] {
    const op = getOp(opName);
    const bwd = op.cpuFast?.bwd ?? op.cpu.bwd;
    if (!bwd) throw new Error(`${opName} has no backward pass`);
    outputShapes(op, inputs.map((t) => t.shape), attrs);
    const grads = bwd(inputs.map((t) => this.host(t)), outputs.map((t) => this.host(t)), this.host(dOut), attrs);
    return grads.map((g) => (g ? this.wrap(g.shape, g.data as Float32Array) : null));
  }

  async sync(): Promise<void> {}

  memory(): MemoryStats {
    return { bytesInUse: this.bytesInUse, peakBytesInUse: this.peak };
  }

  dispose(): void {}

  private host(t: Tensor): HostTensor {
    t.checkAlive();
    if (t.backend !== this) throw new Error(`tensor ${fmt(t.shape)} belongs to the ${t.backend.name} backend, not cpu`);
    return host(t.shape, this.data(t));
  }

  private data(t: Tensor): Float32Array {
    return t.handle as Float32Array;
  }

  private wrap(shape: Shape, data: Float32Array): Tensor {
    this.bytesInUse += data.byteLength;
    this.peak = Math.max(this.peak, this.bytesInUse);
    return new Tensor(shape, this, data);
  }
}
