import { Shape, sizeOf, fmt } from './shape.ts';
import type { Backend } from './backend.ts';

/** A float32 NCHW (or flat) tensor owned by one backend: a Float32Array on the CPU, a GPUBuffer on WebGPU. */
export class Tensor {
  private disposed = false;

  constructor(
    readonly shape: Shape,
    readonly backend: Backend,
    readonly handle: Float32Array | Float64Array | GPUBuffer,
    /** Of a reshaped view: the tensor whose storage it shares, which frees it (and whose disposal ends the view too). */
    private readonly source?: Tensor,
  ) {}

  /** The same values under another shape of the same size, without a copy. */
  reshape(shape: Shape): Tensor {
    this.checkAlive();
    if (sizeOf(shape) !== this.size) throw new Error(`cannot reshape tensor ${fmt(this.shape)} to ${fmt(shape)}: sizes differ`);
    return new Tensor(shape, this.backend, this.handle, this.source ?? this);
  }

  /** The tensor that owns this one's storage: itself, or a view's source. */
  get storage(): Tensor {
    return this.source ?? this;
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
    if (!this.source) this.backend.release(this);
  }

  get isDisposed(): boolean {
    return this.disposed || this.source?.isDisposed === true;
  }

  checkAlive(): void {
    if (this.isDisposed) throw new Error(`tensor ${fmt(this.shape)} was used after dispose()${this.disposed ? '' : ' of the tensor it is a view of'}`);
  }
}
