import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/cli/npy.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(`test/fixtures/${name}`));

describe('.npy files (written by numpy 2.4)', () => {
  it('reads float32 and float64 arrays in C order', () => {
    for (const name of ['ramp-f4-2x3.npy', 'ramp-f8-2x3.npy']) {
      const a = parseNpy(fixture(name), name);
      expect(a.shape).toEqual([2, 3]);
      expect(Array.from(a.data)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    }
  });

  it('refuses Fortran order, other files and truncation with the file named', () => {
    expect(() => parseNpy(fixture('fortran-2x3.npy'), 'f.npy')).toThrow('f.npy: Fortran-ordered arrays are not supported');
    expect(() => parseNpy(new TextEncoder().encode('hello, world'), 'h.npy')).toThrow('h.npy: not a .npy file');
    const cut = fixture('ramp-f4-2x3.npy');
    expect(() => parseNpy(cut.subarray(0, cut.length - 4), 'c.npy')).toThrow('c.npy: truncated: shape (2, 3) needs 24 bytes of data, the file has 20');
  });

  it('refuses a value that is not finite, which gave P(COVID) NaN labelled COVID', () => {
    for (const [value, shown] of [[Number.NaN, 'NaN'], [Number.POSITIVE_INFINITY, 'Infinity']] as const) {
      const bytes = Uint8Array.from(fixture('ramp-f4-2x3.npy'));
      new DataView(bytes.buffer).setFloat32(bytes.length - 8, value, true);
      expect(() => parseNpy(bytes, 'n.npy')).toThrow(`n.npy: holds ${shown} at index 4; the net needs finite values`);
    }
  });
});

it('copies only the array out of a Node Buffer that shares a larger pool', () => {
  const file = readFileSync('test/fixtures/ramp-f4-2x3.npy');
  const pooled = Buffer.concat([Buffer.alloc(3, 7), file]).subarray(3);
  expect(Array.from(parseNpy(pooled, 'p.npy').data)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
});
