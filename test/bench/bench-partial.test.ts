import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BENCH = ['--import', './scripts/register-loader.mjs', 'bench/bench.ts', '--quick', '--env', 'node', '--no-peers', '--size', '32'];

describe('npm run bench keeps what it measured', () => {
  it('a finished run writes its JSON and removes the partial file', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'bench-')), 'out.json');
    await new Promise<void>((resolve, reject) => execFile('node', [...BENCH, '--json', json], (err) => (err ? reject(err) : resolve())));
    const results = JSON.parse(readFileSync(json, 'utf8'));
    expect(results.cases.length).toBe(6);
    expect(existsSync(json.replace(/\.json$/, '.partial.json'))).toBe(false);
  });

  it('a run killed midway leaves the cases it finished in <name>.partial.json', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'bench-')), 'out.json');
    const partial = json.replace(/\.json$/, '.partial.json');
    const child = spawn('node', [...BENCH, '--json', json], { stdio: 'ignore' });
    while (!existsSync(partial)) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const kept = JSON.parse(readFileSync(partial, 'utf8'));
    expect(kept.complete).toBe(false);
    expect(kept.planned).toBe(6);
    expect(kept.cases.length).toBeGreaterThanOrEqual(1);
    expect(kept.cases[0]).toMatchObject({ impl: 'ours', backend: 'webgpu', net: 'light-cnn', batch: 1, mode: 'infer', env: 'node' });
    expect(kept.cases[0].msPerImage.median).toBeGreaterThan(0);
    expect(existsSync(json)).toBe(false);
  });
});

const runBench = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) =>
    execFile('node', [...BENCH, ...args], { env }, (err, _out, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr })));

describe('npm run bench --cases', () => {
  it('runs only the named cases, and names a pattern that names none of them', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'bench-')), 'out.json');
    const only = await runBench(['--cases', 'ours/cpu/train', '--json', json]);
    expect(only.code, only.stderr).toBe(0);
    const results = JSON.parse(readFileSync(json, 'utf8'));
    expect(results.cases.map((c: { impl: string; backend: string; mode: string }) => `${c.impl}/${c.backend}/${c.mode}`)).toEqual(['ours/cpu/train']);
    expect(results.size).toBe(32);
    const typo = await runBench(['--cases', 'ours/cpu/train,ours/webgpu/infr']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('--cases: "ours/webgpu/infr" names none of the planned cases (such as ours/webgpu/infer, ours/cpu/infer, ours/webgpu/train, ours/cpu/train)');
    expect((await runBench(['--batch', '4'])).stderr).toContain('--batch applies only to --profile');
    expect((await runBench(['--profile', '--env', 'both'])).stderr).toContain('--env does not apply to --profile');
  });
});

describe('npm run bench when our cases cannot be timed', () => {
  it('still writes the results, names each such case and exits 1', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'bench-')), 'out.json');
    const noAdapter = await runBench(['--cases', 'ours/webgpu/infer', '--json', json], { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' });
    expect(noAdapter.code).toBe(1);
    expect(noAdapter.stderr).toMatch(/bench: ours webgpu light-cnn infer batch 1 in node was not timed: failed: /);
    expect(JSON.parse(readFileSync(json, 'utf8')).cases.map((c: { msPerImage: unknown }) => c.msPerImage)).toEqual([null, null]);
  });
});
