// Fails when a source file outgrows its budget: small files are easier to review.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BUDGETS = [
  { dir: 'src', ext: '.ts', max: 300 },
  { dir: 'shaders', ext: '.wgsl', max: 200 },
];
const TOTAL_MAX = 15643;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let total = 0;
const over = [];
for (const { dir, ext, max } of BUDGETS) {
  for (const path of files(dir)) {
    if (!path.endsWith(ext)) continue;
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    total += lines;
    if (lines > max) over.push(`${path}: ${lines} lines (budget ${max})`);
  }
}
if (total > TOTAL_MAX) over.push(`src/ + shaders/: ${total} lines (budget ${TOTAL_MAX})`);
if (over.length) {
  console.error(`over the line budget:\n  ${over.join('\n  ')}`);
  process.exit(1);
}
console.log(`line budget ok: ${total} lines in src/ and shaders/`);
