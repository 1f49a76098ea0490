import { describe, expect, it } from 'vitest';
import { sumParts } from '../../src/runtime/cpu/sum-parts.ts';

describe('sumParts', () => {
  it('adds the parts in part order, in float32, over ranges that do not divide the length', () => {
    const len = 40_001;
    const count = 3;
    const parts = new Float32Array(count * len).map((_, i) => Math.sin(i) * 10 ** ((i % 7) - 3));
    const sum = sumParts(parts, count);
    expect(sum.length).toBe(len);
    for (let i = 0; i < len; i++) {
      const want = Math.fround(Math.fround(parts[i] + parts[len + i]) + parts[2 * len + i]);
      if (sum[i] !== want) expect(sum[i], `value ${i}`).toBe(want);
    }
    expect(sum.buffer).not.toBe(parts.buffer);
  });
});
