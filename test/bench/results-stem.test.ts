import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimResultsStem } from '../../bench/results-stem.ts';

describe('claimResultsStem: bench results are named by their start minute, never over another run\'s', () => {
  const started = new Date(2025, 5, 1, 19, 52, 30);

  it('takes the minute, then -2, -3 when runs of that minute hold results or a claim there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'results-stem-'));
    expect(claimResultsStem(dir, started, '.partial.json', '{"cases":[]}')).toBe(join(dir, '2025-06-01T19-52'));
    expect(readFileSync(join(dir, '2025-06-01T19-52.partial.json'), 'utf8')).toBe('{"cases":[]}');
    expect(claimResultsStem(dir, started, '.partial.json')).toBe(join(dir, '2025-06-01T19-52-2'));
    writeFileSync(join(dir, '2025-06-01T19-52-3.json'), '{}');
    expect(claimResultsStem(dir, started, '-profile.json')).toBe(join(dir, '2025-06-01T19-52-4'));
    expect(claimResultsStem(dir, new Date(2025, 5, 1, 19, 53), '.partial.json')).toBe(join(dir, '2025-06-01T19-53'));
  });

  it('names a folder it cannot write in', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'results-stem-')), 'gone');
    expect(() => claimResultsStem(missing, started, '.partial.json')).toThrow(`cannot write ${join(missing, '2025-06-01T19-52')}.partial.json`);
  });
});
