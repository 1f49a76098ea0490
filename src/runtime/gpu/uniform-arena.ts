import type { BufferPool } from './buffer-pool.ts';

const CHUNK_BYTES = 16 * 1024;
const UNIFORM = 0x40 | 0x8; // GPUBufferUsage.UNIFORM | COPY_DST

/**
 * The uniforms of one submit, packed into 16 KiB buffers at the device's offset alignment and
 * uploaded with one writeBuffer per buffer when the commands are submitted, instead of a buffer
 * and a writeBuffer per dispatch: in a browser each of those is a call to the GPU process.
 */
export class UniformArena {
  private chunks: { buffer: GPUBuffer; bytes: Uint8Array<ArrayBuffer>; used: number }[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
  ) {}

  /** Where a dispatch's uniforms will be: a binding for its bind group. */
  place(data: ArrayBuffer): GPUBufferBinding {
    if (data.byteLength > CHUNK_BYTES) throw new Error(`uniforms of ${data.byteLength} bytes exceed the ${CHUNK_BYTES}-byte uniform arena`);
    const align = this.device.limits.minUniformBufferOffsetAlignment;
    let chunk = this.chunks.at(-1);
    let offset = chunk ? Math.ceil(chunk.used / align) * align : 0;
    if (!chunk || offset + data.byteLength > CHUNK_BYTES) {
      chunk = { buffer: this.pool.acquire(CHUNK_BYTES, UNIFORM, true), bytes: new Uint8Array(CHUNK_BYTES), used: 0 };
      this.chunks.push(chunk);
      offset = 0;
    }
    chunk.bytes.set(new Uint8Array(data), offset);
    chunk.used = offset + data.byteLength;
    return { buffer: chunk.buffer, offset, size: data.byteLength };
  }

  /** Uploads everything placed since the last flush (before the submit that reads it); returns the buffers, to release after that submit. */
  flush(): GPUBuffer[] {
    for (const { buffer, bytes, used } of this.chunks) this.device.queue.writeBuffer(buffer, 0, bytes, 0, Math.ceil(used / 4) * 4);
    const buffers = this.chunks.map((c) => c.buffer);
    this.chunks = [];
    return buffers;
  }
}
