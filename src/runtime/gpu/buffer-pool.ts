/**
 * Reuses GPU buffers by (usage, size). A released buffer may still be read by
 * commands not yet submitted. Commands run in order, so a later command may
 * overwrite it at once; but queue.writeBuffer runs before any unsubmitted
 * command, so a buffer that will be uploaded to comes only from those released
 * before the last submit.
 */
export interface PoolStats {
  bytesInUse: number;
  peakBytesInUse: number;
  bytesAllocated: number;
  buffersCreated: number;
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  private readonly live = new Set<GPUBuffer>();
  private readonly stats: PoolStats = { bytesInUse: 0, peakBytesInUse: 0, bytesAllocated: 0, buffersCreated: 0 };

  constructor(private readonly device: GPUDevice) {}

  acquire(bytes: number, usage: GPUBufferUsageFlags, forUpload: boolean): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const key = `${usage}:${size}`;
    let buffer = this.free.get(key)?.pop();
    if (!buffer && !forUpload) {
      const i = this.pending.findIndex((b) => b.size === size && b.usage === usage);
      if (i >= 0) buffer = this.pending.splice(i, 1)[0];
    }
    if (!buffer) {
      buffer = this.device.createBuffer({ size, usage });
      this.stats.bytesAllocated += size;
      this.stats.buffersCreated++;
    }
    this.live.add(buffer);
    this.stats.bytesInUse += size;
    this.stats.peakBytesInUse = Math.max(this.stats.peakBytesInUse, this.stats.bytesInUse);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (!this.live.delete(buffer)) throw new Error('buffer released twice or not from this pool');
    this.stats.bytesInUse -= buffer.size;
    this.pending.push(buffer);
  }

  /** Called after each submit: buffers released before it are safe to hand out again. */
  recycle(): void {
    for (const buffer of this.pending) {
      const key = `${buffer.usage}:${buffer.size}`;
      const list = this.free.get(key) ?? [];
      list.push(buffer);
      this.free.set(key, list);
    }
    this.pending = [];
  }

  /** Destroys every free buffer (live ones stay). */
  trim(): void {
    for (const list of this.free.values()) {
      for (const buffer of list) {
        this.stats.bytesAllocated -= buffer.size;
        buffer.destroy();
      }
    }
    this.free.clear();
  }

  resetPeak(): void {
    this.stats.peakBytesInUse = this.stats.bytesInUse;
  }

  get snapshot(): PoolStats {
    return { ...this.stats };
  }
}
