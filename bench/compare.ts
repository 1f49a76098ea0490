/**
 * `npm run bench:compare -- BASELINE.json CURRENT.json`: each case of two `npm run bench` results
 * files side by side, with the ratio of their median ms per image and a verdict. For CI jobs that
 * keep their numbers: exits 1 when one of our cases got slower beyond the tolerance, took more
 * peak GPU memory, or was timed in the baseline and is not now (it failed or was left out)
 * (bench/compare-results.ts); 2 on bad input (a partial results file, runs of different input
 * sizes); 0 otherwise. Runs on different WebGPU adapters are compared with a warning.
 *
 * Usage: bench:compare BASELINE.json CURRENT.json [--tolerance 0.25] [--relative-to ort-node/cpu,ort-web/wasm] [--json]
 *   --tolerance    a ratio within [1 / (1 + t), 1 + t] is noise (default 0.25: this machine is shared)
 *   --relative-to  divide each ratio by how much slower the machine ran the first listed impl/backend's
 *                  batch-1 inference that both runs timed in the same environment: compares ratios
 *                  measured within each run
 *   --json         the comparison rows as JSON on stdout instead of the table
 */
import { readFileSync } from 'node:fs';
import { numberFlag } from '../src/cli/number-flag.ts';
import { scriptArgs } from '../src/cli/script-args.ts';
import type { BenchResults } from './bench-schema.ts';
import { compareResults, regressions, type CaseComparison } from './compare-results.ts';

const KEY_FIELDS = { env: 'string', impl: 'string', backend: 'string', net: 'string', mode: 'string', batch: 'number' } as const;

function readResults(path: string): BenchResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: Partial<BenchResults> & { complete?: boolean };
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed.cases)) throw new Error(`${path} is not an npm run bench results file: it has no "cases" array`);
  if (parsed.complete === false) throw new Error(`${path} holds the partial results of a run that did not finish (${parsed.cases.length} cases): compare finished runs`);
  (parsed.cases as unknown as Record<string, unknown>[]).forEach((c, i) => {
    const missing = Object.entries(KEY_FIELDS).find(([field, type]) => typeof c?.[field] !== type);
    if (missing) throw new Error(`${path}: case ${i + 1} has no ${missing[0]} (a ${missing[1]})`);
    const ms = c.msPerImage as { median?: unknown } | null;
    if (ms !== null && typeof ms?.median !== 'number') throw new Error(`${path}: case ${i + 1} has no msPerImage.median (a number, or msPerImage null)`);
  });
  return parsed as BenchResults;
}

/** Times of another input size never compare; times of another GPU, or of an unrecorded size, compare only as a warning says. */
function checkComparable([baseline, current]: BenchResults[], [was, now]: string[]): void {
  if (baseline.size !== undefined && current.size !== undefined && baseline.size !== current.size) {
    throw new Error(`the runs timed different input sizes, ${baseline.size} in ${was} and ${current.size} in ${now}: their times do not compare`);
  }
  for (const [r, path] of [[baseline, was], [current, now]] as const) {
    if (r.size === undefined) console.error(`bench:compare: warning: ${path} does not record its input size (written before sizes were): check that both runs timed the same`);
  }
  const adapters = [['Node', (r: BenchResults) => r.adapter?.name], ['Chromium', (r: BenchResults) => r.adapter?.chromium?.name]] as const;
  for (const [env, name] of adapters) {
    const [a, b] = [name(baseline), name(current)];
    if (a && b && a !== b) console.error(`bench:compare: warning: the ${env} WebGPU adapter differs (${a} in ${was}, ${b} in ${now}): its GPU cases timed different devices`);
  }
}

const cell = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

function table(rows: CaseComparison[], relative: boolean): string {
  const header = ['case', 'baseline ms', 'current ms', 'ratio', ...(relative ? ['relative'] : []), 'peak MiB', 'verdict'];
  const mib = (b: number | null) => (b === null ? '—' : (b / 2 ** 20).toFixed(1));
  const body = rows.map((r) => [
    r.key,
    cell(r.baselineMs, 1),
    cell(r.currentMs, 1),
    cell(r.ratio, 3),
    ...(relative ? [cell(r.relativeRatio, 3)] : []),
    r.baselinePeakBytes === null && r.currentPeakBytes === null ? '—' : `${mib(r.baselinePeakBytes)} → ${mib(r.currentPeakBytes)}`,
    r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [header, ...body].map((cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

function main(): number {
  const { values, positionals } = scriptArgs(import.meta.url, {
    allowPositionals: true,
    options: { tolerance: { type: 'string' }, 'relative-to': { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) throw new Error(`give two results files, BASELINE.json CURRENT.json (got ${positionals.length})`);
  const tolerance = numberFlag('tolerance', values.tolerance, 0.25, { min: 0 });
  const relativeTo = values['relative-to'];
  if (relativeTo !== undefined && !/^[\w-]+\/[\w-]+(,[\w-]+\/[\w-]+)*$/.test(relativeTo)) throw new Error(`--relative-to must list impl/backend cases, such as ort-node/cpu,ort-web/wasm, got ${relativeTo}`);
  const [baseline, current] = positionals.map(readResults);
  checkComparable([baseline, current], positionals);
  const rows = compareResults(baseline, current, { tolerance, relativeTo });
  console.log(values.json ? JSON.stringify(rows, null, 2) : table(rows, relativeTo !== undefined));
  const worse = regressions(rows);
  if (worse.length > 0) console.error(`bench:compare: ${worse.length} of our cases regressed: ${worse.map((r) => `${r.key} (${r.verdict})`).join(', ')}`);
  return worse.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`bench:compare: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
