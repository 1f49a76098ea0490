import { describe, expect, it } from 'vitest';
import { convTranspose2dBwdFast } from '../../src/runtime/cpu/conv-transpose2d-fast.ts';
import { conv2dBwdFast } from '../../src/runtime/cpu/conv2d-fast.ts';
import { sharedTemp } from '../../src/runtime/cpu/parallel.ts';
import { conv2dGeometry } from '../../src/runtime/ops/conv2d-shapes.ts';
import { convTranspose2dGeometry } from '../../src/runtime/ops/conv-transpose2d.ts';
import { Random } from '../../src/runtime/random.ts';

// The fast convolutions keep their weight-gradient parts in reused shared buffers: a call after a
// bigger one must not see what that one left there.

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe('sharedTemp', () => {
  it('hands back the same memory while it is big enough, and a bigger buffer when not', () => {
    const a = sharedTemp('test.temp', 10);
    a.fill(7);
    const b = sharedTemp('test.temp', 6);
    expect(b.buffer).toBe(a.buffer);
    expect(Array.from(b)).toEqual([7, 7, 7, 7, 7, 7]);
    expect(sharedTemp('test.temp', 11).length).toBe(11);
  });

  it('leaves no trace of a bigger call in the gradients of the next one', () => {
    const rnd = new Random(5);
    const run = (n: number) => {
      const x = rnd.normals(n * 6 * 5 * 7), w = rnd.normals(4 * 6 * 9), dy = rnd.normals(n * 4 * 5 * 7);
      const g = conv2dGeometry('conv2d', [n, 6, 5, 7], [4, 6, 3, 3], [4], { pad: 1 });
      const tx = rnd.normals(n * 8 * 3 * 2), tw = rnd.normals(8 * 3 * 16), tdy = rnd.normals(n * 3 * 12 * 8);
      const tg = convTranspose2dGeometry([n, 8, 3, 2], [8, 3, 4, 4], [3], { stride: 4 });
      return () => [conv2dBwdFast(x, w, dy, g), convTranspose2dBwdFast(tx, tw, tdy, tg)];
    };
    const small = run(2);
    const first = small();
    run(5)(); // fills the temps with other numbers
    const again = small();
    for (const k of [0, 1]) for (const key of ['dx', 'dw', 'db'] as const) expect(same(again[k][key]!, first[k][key]!), `${k} ${key}`).toBe(true);
  });
});
