import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../bench/bench-args.ts';

const SCRIPTS = ['bench.ts', 'kernels.ts', 'train-step.ts', 'compare.ts', 'augment.ts', 'crop.ts', 'ensemble-latency.ts', 'forward-phases.ts'];

function runScript(script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['--import', './scripts/register-loader.mjs', `bench/${script}`, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('benchmark scripts: --help and bad flags', () => {
  it.each(SCRIPTS)('bench/%s --help prints its usage (its leading doc comment) and exits 0', async (script) => {
    const usage = usageOf(new URL(`../../bench/${script}`, import.meta.url).href);
    expect(usage.length).toBeGreaterThan(80);
    expect(usage).not.toMatch(/\/\*\*|\*\/|^ \* /m);
    const run = await runScript(script, '--help');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(usage);
  });

  it.each(['kernels.ts', 'train-step.ts', 'compare.ts'])('bench/%s with an unknown flag names it, shows the usage and exits 2', async (script) => {
    const run = await runScript(script, '--bogus');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^bench/${script.replace('.', '\\.')}: Unknown option '--bogus'`));
    expect(run.stderr).toContain(usageOf(new URL(`../../bench/${script}`, import.meta.url).href));
  });
});
