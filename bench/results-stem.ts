import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The files a run writes beside its stem; a stem with any of them is taken. */
const RESULT_SUFFIXES = ['.json', '.partial.json', '-profile.json'];

/**
 * dir/2025-06-01T19-52 (local time of `date`, to the minute), or -2, -3... after it when a run
 * that started in the same minute has results there. The stem is claimed by creating
 * stem + `claim` exclusively (holding `content`), so two runs started together cannot both take it.
 */
export function claimResultsStem(dir: string, date: Date, claim: string, content = ''): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}-${pad(date.getMinutes())}`;
  for (let n = 1; ; n++) {
    const stem = join(dir, n === 1 ? stamp : `${stamp}-${n}`);
    if (RESULT_SUFFIXES.some((suffix) => existsSync(`${stem}${suffix}`))) continue;
    try {
      const fd = openSync(`${stem}${claim}`, 'wx');
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      return stem;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot write ${stem}${claim}: ${(err as Error).message}`);
    }
  }
}
