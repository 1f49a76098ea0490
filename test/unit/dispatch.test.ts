import { describe, expect, it } from 'vitest';
import { workgroupCounts } from '../../src/runtime/gpu/dispatch.ts';

describe('workgroup counts', () => {
  it('rounds a 1-D launch up to whole workgroups', () => {
    expect(workgroupCounts('k', { threads: 1000 }, [256, 1, 1], 65535)).toEqual([4, 1, 1]);
    expect(workgroupCounts('k', { threads: 1024 }, [256, 1, 1], 65535)).toEqual([4, 1, 1]);
  });

  it('folds a 1-D launch past the per-dimension limit into 2-D that covers every thread', () => {
    const threads = 64 * 1_000_000;
    const [x, y, z] = workgroupCounts('k', { threads }, [64, 1, 1], 65535);
    expect(x).toBeLessThanOrEqual(65535);
    expect(y).toBeGreaterThan(1);
    expect(z).toBe(1);
    expect(x * y * 64).toBeGreaterThanOrEqual(threads);
    expect((x * (y - 1)) * 64).toBeLessThan(threads);
  });

  it('rejects explicit grids past the device limit, naming the entry and the numbers', () => {
    expect(() => workgroupCounts('conv2d_fwd', { groups: [70000, 1, 1] }, [64, 1, 1], 65535)).toThrow(
      /conv2d_fwd: 70000×1×1 workgroups exceed the device limit of 65535/,
    );
    expect(() => workgroupCounts('k', { groups: [1.5, 1, 1] }, [64, 1, 1], 65535)).toThrow(/not a non-negative integer/);
  });

  it('rejects launches too large even for 2-D folding', () => {
    expect(() => workgroupCounts('k', { threads: 2 ** 40 }, [1, 1, 1], 65535)).toThrow(/need more than 65535² workgroups/);
  });
});
