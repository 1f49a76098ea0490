import type { Backend, MemoryStats } from '../backend.ts';
import { DeviceLostError } from '../errors.ts';
import { getOp } from '../registry.ts';
import { sizeOf, fmt, type Shape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkBackwardShapes, checkTensorShape, checkUpdateInputs, foreignTensor, outputShapes } from '../validate.ts';
import { BufferPool } from './buffer-pool.ts';
import type { GpuContext, GpuTensor } from './context.ts';
import { quietWait, type GpuDevice } from './device.ts';
import { workgroupCounts, type Grid } from './dispatch.ts';
import { PipelineCache } from './pipelines.ts';
import { packUniforms } from './reflect.ts';
import { UniformArena } from './uniform-arena.ts';

// GPUBufferUsage / GPUMapMode values, spelled out because in Node those globals
// only exist once the Dawn binding has loaded, after this module is imported.
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const STORAGE = 0x80 | COPY_SRC | COPY_DST;
const MAP_MODE_READ = 0x1;

/**
 * Records every op into one command encoder (one compute pass between copies)
 * and submits when results are read or sync() is called.
 */
export class WebGpuBackend implements Backend, GpuContext {
  readonly name = 'webgpu' as const;
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly uniforms: UniformArena;
  private opScratch: GPUBuffer[] = [];
  private lostReason: string | null = null;
  private validationError: string | null = null;
  /** When set, every compute pass begun writes its start and end times where this says (per-layer timing, nets/profile.ts). */
  passTimestamps: (() => GPUComputePassTimestampWrites) | null = null;
  /** From the device probe; tests turn it off to run the kernels that do without subgroups. */
  fourLaneSubgroups: boolean;

  constructor(readonly gpu: GpuDevice) {
    this.device = gpu.device;
    this.fourLaneSubgroups = gpu.fourLaneSubgroups;
    this.pool = new BufferPool(this.device);
    this.pipelines = new PipelineCache(this.device);
    this.uniforms = new UniformArena(this.device, this.pool);
    this.device.lost.then((info) => {
      this.lostReason = info.message || info.reason || 'unknown reason';
    });
    // Validation errors (a bad binding, a shader that failed to compile) are otherwise only logged.
    this.device.addEventListener('uncapturederror', (event) => {
      this.validationError ??= (event as GPUUncapturedErrorEvent).error.message;
    });
  }

  get description(): string {
    return `WebGPU (${this.gpu.adapterName}${this.fourLaneSubgroups ? ', 4-lane subgroups' : ''})`;
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  tensor(shape: Shape, data?: Float32Array): Tensor {
    this.checkDevice();
    checkTensorShape(shape, this.mostValuesPerBuffer());
    const n = sizeOf(shape);
    if (data && data.length !== n) throw new Error(`tensor data has ${data.length} values but shape ${fmt(shape)} needs ${n}`);
    const buffer = this.pool.acquire(n * 4, STORAGE, data !== undefined);
    if (data) this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, n * 4);
    return new Tensor(shape, this, buffer);
  }

  async read(t: Tensor): Promise<Float32Array> {
    this.checkDevice();
    const bytes = t.size * 4;
    const staging = this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: MAP_READ | COPY_DST });
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(this.view(t).buffer, 0, staging, 0, bytes);
    const invalid = this.submitChecked();
    try {
      const [, error] = await this.wait(Promise.all([staging.mapAsync(MAP_MODE_READ), invalid]));
      if (error) throw new Error(`WebGPU validation error: ${error.message}`);
    } catch (err) {
      // A failed map is how a lost device often shows first; give device.lost a moment to say so.
      await Promise.race([this.device.lost, new Promise((resolve) => setTimeout(resolve, 100))]);
      this.checkDevice();
      throw err;
    }
    const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.destroy();
    return out;
  }

  release(t: Tensor): void {
    if (this.lostReason) return;
    this.pool.release(this.buffer(t));
  }

  forward(opName: string, inputs: Tensor[], attrs: object = {}): Tensor[] {
    this.checkDevice();
    const op = getOp(opName);
    const shapes = outputShapes(op, inputs.map((t) => t.shape), attrs);
    checkUpdateInputs(op, inputs);
    const inputViews = inputs.map((t) => this.view(t));
    const outputs = shapes.map((s) => this.tensor(s));
    op.gpu.fwd(this, inputViews, outputs.map((t) => this.view(t)), attrs);
    this.releaseScratch();
    return outputs;
  }

  backward(opName: string, inputs: Tensor[], outputs: Tensor[], dOut: Tensor, attrs: object = {}, needed?: readonly boolean[]): (Tensor | null)[] {
    this.checkDevice();
    const op = getOp(opName);
    if (!op.gpu.bwd) throw new Error(`${opName} has no backward pass`);
    checkBackwardShapes(op, inputs.map((t) => t.shape), outputs.map((t) => t.shape), dOut.shape, attrs);
    const [inputViews, outputViews, dOutView] = [inputs.map((t) => this.view(t)), outputs.map((t) => this.view(t)), this.view(dOut)];
    const wanted = inputs.map((_, i) => op.grads[i] && (needed?.[i] ?? true));
    const grads = inputs.map((t, i) => (wanted[i] || (op.grads[i] && !op.skipsUnneededGrads) ? this.tensor(t.shape) : null));
    op.gpu.bwd(this, inputViews, outputViews, dOutView, grads.map((g) => (g ? this.view(g) : null)), attrs);
    this.releaseScratch();
    return grads.map((g, i) => {
      if (g && !wanted[i]) g.dispose();
      return wanted[i] ? g : null;
    });
  }

  async sync(): Promise<void> {
    this.checkDevice();
    const invalid = this.submitChecked();
    const [, error] = await this.wait(Promise.all([this.device.queue.onSubmittedWorkDone(), invalid]));
    if (error) throw new Error(`WebGPU validation error: ${error.message}`);
    this.checkDevice();
  }

  memory(): MemoryStats {
    const s = this.pool.snapshot;
    return { bytesInUse: s.bytesInUse, peakBytesInUse: s.peakBytesInUse };
  }

  dispose(): void {
    this.pool.trim();
    this.device.destroy();
  }

  // GpuContext: what op kernels call.

  run(source: string, entry: string, bindings: Record<string, GpuTensor>, uniforms: Record<string, number>, grid: Grid): void {
    const { info, pipeline, layout } = this.pipelines.get(source, entry);
    const entries: GPUBindGroupEntry[] = [];
    for (const [name, binding] of info.storage) {
      const t = bindings[name];
      if (!t) throw new Error(`${entry}: storage binding ${name} was not given`);
      entries.push({ binding, resource: { buffer: t.buffer, size: Math.max(4, sizeOf(t.shape) * 4) } });
    }
    for (const name of Object.keys(bindings)) {
      if (!info.storage.has(name)) throw new Error(`${entry}: it has no storage binding named ${name}`);
    }
    if (info.uniform) {
      entries.push({ binding: info.uniform.binding, resource: this.uniforms.place(packUniforms(entry, info.uniform, uniforms)) });
    }
    const [x, y, z] = workgroupCounts(entry, grid, info.workgroupSize, this.device.limits.maxComputeWorkgroupsPerDimension);
    if (x * y * z === 0) return;
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.device.createBindGroup({ layout, entries }));
    pass.dispatchWorkgroups(x, y, z);
  }

  zero(t: GpuTensor): void {
    this.endPass();
    this.commandEncoder().clearBuffer(t.buffer, 0, Math.ceil((sizeOf(t.shape) * 4) / 4) * 4);
  }

  copy(src: GpuTensor, srcAt: number, dst: GpuTensor, dstAt: number, count: number): void {
    if (count === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src.buffer, srcAt * 4, dst.buffer, dstAt * 4, count * 4);
  }

  scratch(shape: Shape): GpuTensor {
    const buffer = this.pool.acquire(sizeOf(shape) * 4, STORAGE, false);
    this.opScratch.push(buffer);
    return { shape, buffer };
  }

  /** Every tensor is bound whole as storage, so the binding limit (often half the buffer limit) caps it too. */
  private mostValuesPerBuffer(): number {
    const { maxBufferSize, maxStorageBufferBindingSize } = this.device.limits;
    return Math.min(maxBufferSize, maxStorageBufferBindingSize) / 4;
  }

  private releaseScratch(): void {
    for (const buffer of this.opScratch) this.pool.release(buffer);
    this.opScratch = [];
  }

  private view(t: Tensor): GpuTensor {
    t.checkAlive();
    if (t.backend !== this) throw new Error(foreignTensor(t, 'webgpu'));
    return { shape: t.shape, buffer: this.buffer(t) };
  }

  private buffer(t: Tensor): GPUBuffer {
    return t.handle as GPUBuffer;
  }

  private commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.commandEncoder().beginComputePass(this.passTimestamps ? { timestampWrites: this.passTimestamps() } : {}));
  }

  /** Closes the open compute pass, so the next dispatch begins a new one (a timing boundary between ops). */
  endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /**
   * Submits under a validation error scope: an invalid command recorded since the last submit
   * drops the whole submit (a read would see zeros), so its error must reach the caller waiting on it.
   */
  private submitChecked(): Promise<GPUError | null> {
    this.device.pushErrorScope('validation');
    this.submit();
    return this.device.popErrorScope();
  }

  private submit(): void {
    this.endPass();
    const uniformBuffers = this.uniforms.flush();
    if (this.encoder) this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    for (const u of uniformBuffers) this.pool.release(u);
    this.pool.recycle();
  }

  /** On a hardware adapter Dawn's fast polling costs little and each quiet poll would add up to a millisecond. */
  private wait<T>(promise: Promise<T>): Promise<T> {
    return this.gpu.isSoftware ? quietWait(promise) : promise;
  }

  private checkDevice(): void {
    if (this.lostReason !== null) throw new DeviceLostError(this.lostReason);
    if (this.validationError !== null) {
      const message = this.validationError;
      this.validationError = null;
      throw new Error(`WebGPU validation error: ${message}`);
    }
  }
}
