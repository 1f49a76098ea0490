import { afterEach, describe, expect, it } from 'vitest';
import { drainPool, recycle, takeZeroed } from '../../src/runtime/cpu/array-pool.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';

// Released cpu tensors go back to a pool and come out again zero-filled, so every op that
// accumulates into its output (max pool's backward, col2im) starts from zeros as before.

afterEach(drainPool);

describe('array pool', () => {
  it('hands a recycled array back zero-filled, only for its own length', () => {
    const a = new Float32Array(new SharedArrayBuffer(4 * 12)).fill(3);
    recycle(a);
    expect(takeZeroed(11, true)).toBeUndefined();
    const b = takeZeroed(12, true)!;
    expect(b).toBe(a);
    expect(Array.from(b)).toEqual(new Array(12).fill(0));
    expect(takeZeroed(12, true)).toBeUndefined();
  });

  it('gives shared memory only where it is asked for', () => {
    const plain = new Float32Array(8);
    recycle(plain);
    expect(takeZeroed(8, true)).toBeUndefined();
    expect(takeZeroed(8, false)).toBe(plain);
  });

  it('keeps no view of part of a buffer, whose other part may still be read', () => {
    const whole = new Float32Array(16);
    recycle(whole.subarray(0, 8));
    recycle(whole.subarray(8));
    expect(takeZeroed(8, false)).toBeUndefined();
  });
});

describe('cpu backend reusing released tensors', () => {
  it("writes a later op's output into a released tensor's storage, with the values of a fresh run", async () => {
    const backend = new CpuBackend({ threads: 2 });
    const rnd = new Random(3);
    const shape = [2, 3, 9, 7];
    const x = backend.tensor(shape, rnd.normals(2 * 3 * 9 * 7));
    const fresh = await backend.forward('maxpool', [x], { kernel: 3, stride: 2, ceilMode: true })[0].read();
    const dy = backend.tensor([2, 3, 4, 3], rnd.normals(2 * 3 * 4 * 3));
    const [y] = backend.forward('maxpool', [x], { kernel: 3, stride: 2, ceilMode: true });
    const [dxFresh] = backend.backward('maxpool', [x], [y], dy, { kernel: 3, stride: 2, ceilMode: true });
    const values = await dxFresh!.read();
    const storage = dxFresh!.handle;
    dxFresh!.dispose();
    const [dxReused] = backend.backward('maxpool', [x], [y], dy, { kernel: 3, stride: 2, ceilMode: true });
    expect(dxReused!.handle).toBe(storage);
    expect(await dxReused!.read()).toEqual(values);
    expect(await y.read()).toEqual(fresh);
    backend.dispose();
  });
});
