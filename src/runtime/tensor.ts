import { Shape, sizeOf, fmt } from './shape.ts';
import type { Backend } from './backend.ts';

/** A float32 NCHW (or flat) tensor owned by one backend: a Float32Array on the CPU, a GPUBuffer on WebGPU. */
export class Tensor {
  private disposed = false;

  constructor(
    readonly shape: Shape,
    readonly backend: Backend,
    readonly handle: Float32Array | Float64Array | GPUBuffer,
  ) {}

  get size(): number {
    return sizeOf(this.shape);
  }

  /** A host copy of the values. */
  read(): Promise<Float32Array> {
    this.checkAlive();
    return this.backend.read(this);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.release(this);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  checkAlive(): void {
    if (this.disposed) throw new Error(`tensor ${fmt(this.shape)} was used after dispose()`);
  }
}
