/**
 * Which file formats (a trace of each slice's source) each class of COVID-CT comes in, and,
 * given cross-validation results, how well the held-out slices of each class and format were
 * classified. A format that only one class has is a shortcut a net may learn instead of the lungs.
 *
 * Usage: node --import ./scripts/register-loader.mjs scripts/source-audit.ts [--data DIR] [--splits train,val] [--cv runs/X/cv.json ...]
 * With several --cv files, a slice's P(COVID) is the mean over them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CvResults } from '../src/train/cv-results.ts';

const { values } = parseArgs({ options: { data: { type: 'string', default: '/work/shared/data/covid-ct' }, splits: { type: 'string', default: 'train,val' }, cv: { type: 'string', multiple: true, default: [] } } });
const splits = new Set(values.splits.split(','));

/** "png gray", "png rgba", "jpeg 3-ch", ... from the file's header. */
function format(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return `png ${({ 0: 'gray', 2: 'rgb', 3: 'palette', 4: 'gray+alpha', 6: 'rgba' } as Record<number, string>)[bytes[25]] ?? bytes[25]}`;
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let i = 2; i + 9 < bytes.length; ) {
      if (bytes[i] !== 0xff) return 'jpeg ?';
      const marker = bytes[i + 1];
      if (marker >= 0xc0 && marker <= 0xc2) return `jpeg ${bytes[i + 9]}-ch`;
      i += 2 + ((bytes[i + 2] << 8) | bytes[i + 3]);
    }
  }
  return 'other';
}

const pCovid = new Map<string, number[]>();
for (const file of values.cv) {
  const results = JSON.parse(readFileSync(file, 'utf8')) as CvResults;
  for (const fold of results.folds) fold.result?.pCovid.forEach((p, i) => pCovid.set(fold.images[i], [...(pCovid.get(fold.images[i]) ?? []), p]));
}

const groups = new Map<string, { count: number; scored: number; right: number }>();
for (const line of readFileSync(join(values.data, 'meta.csv'), 'utf8').trim().split(/\r?\n/).slice(1)) {
  const [path, label, , split] = line.split(',');
  if (!splits.has(split)) continue;
  const key = `${label.padEnd(9)} ${format(readFileSync(join(values.data, 'images', path)))}`;
  const group = groups.get(key) ?? { count: 0, scored: 0, right: 0 };
  group.count++;
  const ps = pCovid.get(path);
  if (ps) {
    group.scored++;
    if (ps.reduce((s, p) => s + p, 0) / ps.length > 0.5 === (label === 'COVID')) group.right++;
  }
  groups.set(key, group);
}
console.log(`class     format          slices${values.cv.length ? '  held-out accuracy' : ''}`);
for (const [key, g] of [...groups].sort()) {
  console.log(`${key.padEnd(25)} ${String(g.count).padStart(6)}${g.scored ? `  ${(g.right / g.scored).toFixed(3)} of ${g.scored}` : ''}`);
}
