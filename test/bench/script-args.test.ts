import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../src/cli/script-args.ts';

const BENCH = ['bench.ts', 'kernels.ts', 'train-step.ts', 'compare.ts', 'augment.ts', 'crop.ts', 'ensemble-latency.ts', 'forward-phases.ts', 'upright-latency.ts', 'search-noise.ts'].map((name) => `bench/${name}`);
const SCRIPTS = [...BENCH, 'scripts/source-audit.ts', 'scripts/population-cv.ts', 'src/cli/selfcheck.ts'];

const usage = (script: string) => usageOf(new URL(`../../${script}`, import.meta.url).href);

function runScript(script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['--import', './scripts/register-loader.mjs', script, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('scripts run on their own (benchmarks, tools): --help and bad flags', () => {
  it.each(SCRIPTS)('%s --help prints its usage (its leading doc comment) and exits 0', async (script) => {
    expect(usage(script).length).toBeGreaterThan(80);
    expect(usage(script)).not.toMatch(/\/\*\*|\*\/|^ \* /m);
    const run = await runScript(script, '--help');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(usage(script));
  });

  it.each(['bench/kernels.ts', 'bench/compare.ts', 'scripts/source-audit.ts'])('%s with an unknown flag names it, shows the usage and exits 2', async (script) => {
    const run = await runScript(script, '--bogus');
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith(`${script}: Unknown option '--bogus'`)).toBe(true);
    expect(run.stderr).toContain(usage(script));
  });

  it('a malformed number is named the same way (bench/crop.ts --count abc), before any work', async () => {
    const run = await runScript('bench/crop.ts', '--count', 'abc');
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith('bench/crop.ts: --count must be a number, got "abc"')).toBe(true);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['bench/train-step.ts', ['--steps', '0'], '--steps must be at least 1, got "0"'],
    ['bench/train-step.ts', ['--batch', 'x'], '--batch must be a number, got "x"'],
    ['bench/augment.ts', ['--runs', '0'], '--runs must be at least 1, got "0"'],
    ['bench/upright-latency.ts', ['--repeat', '1'], '--repeat must be at least 2, got "1"'],
    ['bench/search-noise.ts', ['--attempts', '8', '--random', '8'], '--random must be below 8, got "8"'],
  ])('%s %j is named before any work', async (script, args, message) => {
    const run = await runScript(script, ...args);
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith(`${script}: ${message}`)).toBe(true);
  });
});

it('selfcheck with a --filter that names no op case fails with exit 2 instead of passing an empty check', async () => {
  const run = await runScript('src/cli/selfcheck.ts', '--backend', 'cpu', '--filter', 'typo');
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^selfcheck: --filter "typo" names none of the \d+ op cases \(such as /);
  expect(run.stdout).toBe('');
});

it('bench/search-noise.ts tables the true errors of both searches, which no noise can take below the stand-in\'s lowest, 0.1', async () => {
  const run = await runScript('bench/search-noise.ts', '--seeds', '2', '--noise', '0,0.5', '--attempts', '8', '--random', '3');
  expect(run.code, run.stderr).toBe(0);
  const rows = run.stdout.trim().split('\n').slice(3);
  expect(rows.map((row) => row.split(' | ')[0])).toEqual(['| 0', '| 0.5']);
  const figures = rows.flatMap((row) => [...row.matchAll(/\d\.\d{4}/g)].map(Number));
  expect(figures).toHaveLength(12);
  for (const figure of figures) expect(figure).toBeGreaterThanOrEqual(0.1);
  expect(run.stderr).toContain('[4/4] noise 0.5, seed 2');
});

describe('medians of the bench scripts', () => {
  it('bench:step reports the mean of the two middle steps for an even count, as bench/timing.ts does', async () => {
    const run = await runScript('bench/train-step.ts', '--steps', '2', '--size', '32', '--batch', '2');
    expect(run.code, run.stderr).toBe(0);
    const steps = [...run.stderr.matchAll(/^step [12]: (\d+) ms/gm)].map((m) => Number(m[1]));
    const median = Number(/median step (\d+) ms/.exec(run.stdout)![1]);
    expect(steps).toHaveLength(2);
    expect(Math.abs(median - (steps[0] + steps[1]) / 2)).toBeLessThanOrEqual(1);
  }, 60_000);
});
