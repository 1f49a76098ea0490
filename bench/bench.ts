/**
 * `npm run bench`: per-image latency of our WebGPU and CPU backends against TensorFlow.js and
 * ONNX Runtime, in Node and in headless Chromium, on the same nets, weights and inputs.
 * Every output is checked against our CPU backend before its time counts (bench/latency.ts).
 *
 * Usage: npm run bench -- [--quick] [--json FILE] [--env node|chromium|both] [--nets a,b]
 *                         [--cases impl/backend[/mode],...] [--size N] [--no-peers] [--profile [--batch N]]
 *   --quick    CI smoke run, under 5 minutes here (bench/bench-plan.ts QUICK)
 *   --cases    only the cases of these implementations and backends (and modes), e.g. ours/cpu/train,tfjs/cpu/train
 *   --json     write the JSON to FILE only; by default bench-results/<date>.json, .md and .svg
 *              (<date> is the start minute, with -2, -3... when a run of that minute wrote there)
 *   --profile  per-layer forward and backward times of each net on both backends, in Node
 * Progress and ETA go to stderr.
 */
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Progress } from '../src/cli/progress.ts';
import { scriptArgs } from '../src/cli/script-args.ts';
import { writeFileAtomic } from '../src/nets/atomic-write.ts';
import { NET_NAMES } from '../src/nets/index.ts';
import { createBackend } from '../src/runtime/create-backend.ts';
import { FULL, QUICK, planCases, type BenchPreset, type PlannedCase } from './bench-plan.ts';
import type { BenchResults, CaseResult, Env } from './bench-schema.ts';
import { formatProfile, profileLayers, type LayerProfile } from './profile-layers.ts';
import { machineWasBusy, toMarkdown } from './report-markdown.ts';
import { toSvg } from './report-svg.ts';
import { claimResultsStem } from './results-stem.ts';
import { runBench } from './run-bench.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = join(PROJECT_ROOT, 'bench-results');

const parseFlags = () =>
  scriptArgs(import.meta.url, {
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      env: { type: 'string' },
      nets: { type: 'string' },
      cases: { type: 'string' },
      size: { type: 'string', default: '224' },
      'no-peers': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      batch: { type: 'string' },
    },
  }).values;
type Flags = ReturnType<typeof parseFlags>;

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got ${text}`);
  return n;
}

function chosenEnvs(text: string): Env[] {
  if (text === 'both') return ['node', 'chromium'];
  if (text === 'node' || text === 'chromium') return [text];
  throw new Error(`--env must be node, chromium or both, got ${text}`);
}

function chosenNets(preset: BenchPreset, flag: string | undefined): string[] {
  if (!flag) return preset.nets;
  const nets = flag.split(',').map((n) => n.trim());
  const unknown = nets.find((n) => !(NET_NAMES as readonly string[]).includes(n));
  if (unknown) throw new Error(`--nets: unknown net "${unknown}" (known: ${NET_NAMES.join(', ')})`);
  return nets;
}

/** The planned cases that one of the --cases patterns (impl/backend or impl/backend/mode) names; a pattern that names none is an error. */
function chosenCases(planned: PlannedCase[], flag: string | undefined): PlannedCase[] {
  if (flag === undefined) return planned;
  const names = (p: string) => (c: PlannedCase) => `${c.impl}/${c.backend}/${c.mode}` === p || `${c.impl}/${c.backend}` === p;
  const patterns = flag.split(',').map((p) => p.trim());
  const idle = patterns.find((p) => !planned.some(names(p)));
  if (idle !== undefined) throw new Error(`--cases: "${idle}" names none of the planned cases (such as ${[...new Set(planned.map((c) => `${c.impl}/${c.backend}/${c.mode}`))].slice(0, 4).join(', ')})`);
  return planned.filter((c) => patterns.some((p) => names(p)(c)));
}

const STARTED = new Date();

/** bench-results/<start time>[-N]: see claimResultsStem. */
async function claimStem(claim: string, content?: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  return claimResultsStem(RESULTS_DIR, STARTED, claim, content);
}

async function writeOut(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  } catch (err) {
    throw new Error(`cannot write ${path}: ${(err as Error).message}`);
  }
  console.error(`wrote ${path}`);
}

async function profile(values: Flags, size: number, nets: string[]): Promise<void> {
  const batch = positiveInt('batch', values.batch ?? '1');
  const profiles: LayerProfile[] = [];
  for (const name of ['webgpu', 'cpu'] as const) {
    const backend = await createBackend(name);
    try {
      for (const net of nets) {
        const p = await profileLayers(backend, net, size, batch);
        console.log(`${formatProfile(p)}\n`);
        profiles.push(p);
      }
    } finally {
      backend.dispose();
    }
  }
  const data = { date: new Date().toISOString(), command: commandLine(), loadAverage: os.loadavg(), profiles };
  await writeOut(values.json ?? `${await claimStem('-profile.json')}-profile.json`, JSON.stringify(data, null, 2) + '\n');
}

const commandLine = () => `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;

async function main(): Promise<void> {
  const values = parseFlags();
  const preset = values.quick ? QUICK : FULL;
  const size = positiveInt('size', values.size!);
  const nets = chosenNets(preset, values.nets);
  if (values.profile) {
    const ignored = (['env', 'cases', 'no-peers'] as const).find((flag) => values[flag] !== undefined && values[flag] !== false);
    if (ignored) throw new Error(`--${ignored} does not apply to --profile (which times every layer of each net on both backends, in Node)`);
    return profile(values, size, nets);
  }
  if (values.batch !== undefined) throw new Error('--batch applies only to --profile: the latency cases use each preset\'s batches (bench/bench-plan.ts)');
  const planned = chosenCases(planCases({ ...preset, nets }, chosenEnvs(values.env ?? 'both'), !values['no-peers']), values.cases);
  // Before the Node cases, which take hours in a full run: a missing browser is found now.
  if (planned.some((c) => c.env === 'chromium')) (await import('../test/harness/chromium.ts')).checkChromium();
  const progress = new Progress(planned.length);
  const loadAverage = os.loadavg();
  console.error(`bench: ${planned.length} cases, ${nets.join(', ')} at ${size}×${size}; load average ${loadAverage.map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  // Rewritten after every case, so a run that is killed or fails keeps what it measured.
  const done: CaseResult[] = [];
  const partial = () => JSON.stringify({ complete: false, date: new Date().toISOString(), command: commandLine(), loadAverage, planned: planned.length, cases: done }, null, 2) + '\n';
  const stem = values.json ? values.json.replace(/\.json$/, '') : await claimStem('.partial.json', partial());
  const partialPath = `${stem}.partial.json`;
  const outcome = await runBench(planned, {
    size,
    timing: preset.timing,
    onnxDir: join(RESULTS_DIR, 'tmp'),
    onCase: async (label, result) => {
      progress.tick(label);
      done.push(result);
      await mkdir(dirname(partialPath), { recursive: true });
      await writeFileAtomic(partialPath, partial());
    },
  });
  const results: BenchResults = {
    date: new Date().toISOString(),
    command: commandLine(),
    size,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      loadAverage,
      loadAverageAtEnd: os.loadavg(),
      node: process.version,
      chromium: outcome.chromium,
    },
    adapter: outcome.adapter,
    cases: outcome.cases,
  };
  const json = JSON.stringify(results, null, 2) + '\n';
  if (values.json) await writeOut(values.json, json);
  else {
    await writeOut(`${stem}.json`, json);
    await writeOut(`${stem}.md`, toMarkdown(results));
    await writeOut(`${stem}.svg`, toSvg(results));
  }
  await rm(partialPath, { force: true });
  if (machineWasBusy(results)) console.error('bench: the machine was busy with other work (see the load average): compare only figures of one run');
  // runBench returns the cases in the order planned.
  const failed = results.cases.filter((c, i) => c.impl === 'ours' && c.msPerImage === null && !planned[i].skip);
  if (failed.length > 0) {
    for (const c of failed) console.error(`bench: ours ${c.backend} ${c.net} ${c.mode} batch ${c.batch} in ${c.env} was not timed: ${c.note}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
