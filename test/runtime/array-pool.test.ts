import { afterEach, describe, expect, it } from 'vitest';
import { drainPool, recycle, take } from '../../src/runtime/cpu/array-pool.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { outputF32, sharedF32, useThreads } from '../../src/runtime/cpu/parallel.ts';
import { Random } from '../../src/runtime/random.ts';

// Released cpu tensors go back to a pool. sharedF32 hands them out again zero-filled, so every
// op that accumulates into its output (max pool's backward, col2im) starts from zeros as before;
// outputF32 hands them out as they are, to ops that write every value (the op tests check those
// on a pool full of NaN).

afterEach(drainPool);

describe('array pool', () => {
  it('hands a recycled array back zero-filled, only for its own length', () => {
    useThreads(2);
    const a = new Float32Array(new SharedArrayBuffer(4 * 12)).fill(3);
    recycle(a);
    expect(take(11, true)).toBeUndefined();
    const b = sharedF32(12);
    expect(b).toBe(a);
    expect(Array.from(b)).toEqual(new Array(12).fill(0));
    expect(take(12, true)).toBeUndefined();
    recycle(b.fill(5));
    const c = outputF32(12);
    expect(c).toBe(a);
    expect(Array.from(c)).toEqual(new Array(12).fill(5));
  });

  it('gives shared memory only where it is asked for', () => {
    const plain = new Float32Array(8);
    recycle(plain);
    expect(take(8, true)).toBeUndefined();
    expect(take(8, false)).toBe(plain);
  });

  it('keeps no view of part of a buffer, whose other part may still be read', () => {
    const whole = new Float32Array(16);
    recycle(whole.subarray(0, 8));
    recycle(whole.subarray(8));
    expect(take(8, false)).toBeUndefined();
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
