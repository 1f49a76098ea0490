import { expect } from 'vitest';

/**
 * toEqual on typed arrays (and Buffers) by one plain loop. Vitest's own comparison walks them
 * element by element through its generic deep equality: 6 s for a light-cnn's 1.27M weights,
 * 27 s for a 5 MB file. The verdicts are its own: the same class and length, every element
 * alike by Object.is (NaN equals NaN, 0 does not equal −0); properties set on an array beside
 * its elements, which no test here sets, are not compared.
 */
function typedArraysEqual(a: unknown, b: unknown): boolean | undefined {
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a instanceof DataView || b instanceof DataView) return undefined;
  if (a.constructor !== b.constructor) return false;
  const [x, y] = [a as unknown as ArrayLike<number | bigint>, b as unknown as ArrayLike<number | bigint>];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

expect.addEqualityTesters([typedArraysEqual]);
