import { quietWait } from './device.ts';

// GPUBufferUsage / GPUMapMode values, spelled out as in backend.ts (in Node the globals appear only once Dawn loads).
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const QUERY_RESOLVE = 0x200;
const MAP_MODE_READ = 0x1;

/**
 * Times compute passes with timestamp queries (the device needs 'timestamp-query') and
 * charges each pass to whichever owner (a layer's index) is current when the pass begins.
 */
export class PassTimer {
  /** The owner that passes begun from now on are charged to. */
  owner = 0;
  private readonly querySet: GPUQuerySet;
  private readonly owners: number[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly maxPasses = 1024,
  ) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * maxPasses });
  }

  /** The timestamp writes for a pass about to begin. */
  nextPass(): GPUComputePassTimestampWrites {
    const k = this.owners.length;
    if (k === this.maxPasses) throw new Error(`PassTimer: more than ${this.maxPasses} compute passes to time`);
    this.owners.push(this.owner);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * k, endOfPassWriteIndex: 2 * k + 1 };
  }

  /**
   * GPU milliseconds per owner 0 … owners − 1, once every timed pass has been submitted.
   * A pass whose end reads earlier than its start (timestamps are quantised) counts as 0.
   */
  async millisecondsPerOwner(owners: number): Promise<number[]> {
    const ms = new Array<number>(owners).fill(0);
    const count = 2 * this.owners.length;
    if (count === 0) return ms;
    const resolved = this.device.createBuffer({ size: count * 8, usage: QUERY_RESOLVE | COPY_SRC });
    const staging = this.device.createBuffer({ size: count * 8, usage: MAP_READ | COPY_DST });
    const encoder = this.device.createCommandEncoder();
    encoder.resolveQuerySet(this.querySet, 0, count, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, staging, 0, count * 8);
    this.device.queue.submit([encoder.finish()]);
    try {
      await quietWait(staging.mapAsync(MAP_MODE_READ));
      const ns = new BigInt64Array(staging.getMappedRange());
      this.owners.forEach((owner, k) => {
        ms[owner] += Math.max(0, Number(ns[2 * k + 1] - ns[2 * k]) / 1e6);
      });
    } finally {
      staging.destroy();
      resolved.destroy();
    }
    return ms;
  }

  destroy(): void {
    this.querySet.destroy();
  }
}
