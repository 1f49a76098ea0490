// Per-thread reusable work buffers of the fast CPU paths (every worker has its own
// copy of this module). A buffer is only valid until the next call with the same slot.

const buffers = new Map<string, Float64Array | Float32Array>();

function get<T extends Float64Array | Float32Array>(slot: string, n: number, make: (n: number) => T): T {
  let b = buffers.get(slot) as T | undefined;
  if (!b || b.length < n) {
    b = make(n);
    buffers.set(slot, b);
  }
  return b;
}

export const scratch64 = (slot: string, n: number): Float64Array => get(slot, n, (m) => new Float64Array(m));
export const scratch32 = (slot: string, n: number): Float32Array => get(slot, n, (m) => new Float32Array(m));
