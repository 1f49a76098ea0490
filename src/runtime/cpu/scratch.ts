// Per-thread reusable work buffers of the fast CPU paths (every worker has its own
// copy of this module). A buffer is only valid until the next call with the same slot.

const buffers = new Map<string, Float32Array>();

export function scratch32(slot: string, n: number): Float32Array {
  let b = buffers.get(slot);
  if (!b || b.length < n) {
    b = new Float32Array(n);
    buffers.set(slot, b);
  }
  return b;
}
