import { Shape, sizeOf, fmt } from './shape.ts';
import type { Backend } from './backend.ts';

/** A float32 NCHW (or flat) tensor owned by one backend: a Float32Array on the CPU, a GPUBuffer on WebGPU. */
export class Tensor {
  private disposed = false;

  constructor(
    readonly shape: Shape,
    readonly backend: Backend,
    readonly handle: Float32Array | Float64Array | GPUBuffer,
    /** A reshaped view shares its source's storage and leaves freeing it to the source. */
    private readonly ownsHandle = true,
  ) {}

  /** The same values under another shape of the same size, without a copy. */
  reshape(shape: Shape): Tensor {
    this.checkAlive();
    if (sizeOf(shape) !== this.size) throw new Error(`cannot reshape tensor ${fmt(this.shape)} to ${fmt(shape)}: sizes differ`);
    return new Tensor(shape, this.backend, this.handle, false);
  }

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
    if (this.ownsHandle) this.backend.release(this);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  checkAlive(): void {
    if (this.disposed) throw new Error(`tensor ${fmt(this.shape)} was used after dispose()`);
  }
}
