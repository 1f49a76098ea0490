import { beforeAll, expect, it } from 'vitest';
import type { Backend } from '../../src/runtime/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { describeOnBothBackends } from '../harness/both-backends.ts';

// backward(..., needed): a gradient nobody needs comes back as null, whether the op skips it
// (conv2d: any of its three) or computes it and the backend drops it (add), and nothing of it stays allocated (a leaked gradient here is 120 bytes or more).

describeOnBothBackends('backward with a gradient not needed', (backendOfRun) => {
  let backend: Backend;
  beforeAll(() => {
    backend = backendOfRun();
  });

  it('add: null for a, dy for b, and the memory in use back where it was', async () => {
    const rng = new Random(2);
    const [a, b, dy] = [0, 1, 2].map(() => backend.tensor([2, 3, 5], rng.normals(30)));
    const [y] = backend.forward('add', [a, b]);
    const before = backend.memory().bytesInUse;
    const [da, db] = backend.backward('add', [a, b], [y], dy, {}, [false, true]);
    expect(da).toBeNull();
    expect(await db!.read()).toEqual(await dy.read());
    db!.dispose();
    expect(backend.memory().bytesInUse).toBeLessThanOrEqual(before); // the gpu backend may free a uniform buffer too
  });

  it.each([[false, true, true], [true, false, false], [false, true, false], [false, false, true]].map((needed) => ({ needed })))(
    'conv2d (conv1 of the nets), needed $needed: null for each gradient not needed, the others as with all', async ({ needed }) => {
    const rng = new Random(3);
    const x = backend.tensor([2, 1, 9, 11], rng.normals(198));
    const w = backend.tensor([4, 1, 3, 3], rng.normals(36));
    const b = backend.tensor([4], rng.normals(4));
    const attrs = { stride: 2, pad: 1, activation: 'elu' };
    const [y] = backend.forward('conv2d', [x, w, b], attrs);
    const dy = backend.tensor(y.shape, rng.normals(y.size));
    const all = await Promise.all(backend.backward('conv2d', [x, w, b], [y], dy, attrs).map((g) => g!.read()));
    const before = backend.memory().bytesInUse;
    const grads = backend.backward('conv2d', [x, w, b], [y], dy, attrs, needed);
    expect(grads.map((g) => g !== null)).toEqual(needed);
    for (const [i, g] of grads.entries()) {
      if (!g) continue;
      expect(await g.read()).toEqual(all[i]);
      g.dispose();
    }
    expect(backend.memory().bytesInUse).toBeLessThanOrEqual(before); // the gpu backend may free a uniform buffer too
  });
});
