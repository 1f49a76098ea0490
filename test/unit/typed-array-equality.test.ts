import { expect, it } from 'vitest';

// The setup file test/harness/typed-array-equality.ts replaces how toEqual compares typed arrays; its verdicts must stay Vitest's.
it('toEqual on typed arrays keeps its verdicts: class, length, every element by Object.is', () => {
  expect(Float32Array.of(1, NaN, 3)).toEqual(Float32Array.of(1, NaN, 3));
  expect(Float32Array.of(0)).not.toEqual(Float32Array.of(-0));
  expect(Float32Array.of(1, 2)).not.toEqual(Float32Array.of(1, 2, 3));
  expect(Float32Array.of(1, 2)).not.toEqual(Float64Array.of(1, 2));
  expect(Buffer.from([1, 2])).not.toEqual(Uint8Array.of(1, 2));
  expect(BigInt64Array.of(1n, 2n)).toEqual(BigInt64Array.of(1n, 2n));
  expect({ w: Int32Array.of(5, 6) }).toEqual({ w: Int32Array.of(5, 6) });
  expect(new Map([['w', Int32Array.of(5, 6)]])).not.toEqual(new Map([['w', Int32Array.of(5, 7)]]));
});

it('finds one element changed among a light-cnn\'s 1.27M weights', () => {
  const a = Float32Array.from({ length: 1_271_682 }, (_, i) => i * 0.5);
  const b = a.slice();
  expect(a).toEqual(b);
  b[1_000_000] = 0;
  expect(a).not.toEqual(b);
});
