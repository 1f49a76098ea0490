import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('every source file stays within the line budget (scripts/line-budget.mjs)', () => {
  const out = execFileSync('node', ['scripts/line-budget.mjs'], { encoding: 'utf8' });
  expect(out).toMatch(/^line budget ok: \d+ lines/);
});
