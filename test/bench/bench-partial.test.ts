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

describe('npm run bench --cases', () => {
  it('runs only the named cases, and names what it could have run when a pattern names none', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'bench-')), 'out.json');
    await new Promise<void>((resolve, reject) => execFile('node', [...BENCH, '--cases', 'ours/cpu/train,ours/webgpu/nothing', '--json', json], (err) => (err ? reject(err) : resolve())));
    const results = JSON.parse(readFileSync(json, 'utf8'));
    expect(results.cases.map((c: { impl: string; backend: string; mode: string }) => `${c.impl}/${c.backend}/${c.mode}`)).toEqual(['ours/cpu/train']);
    const none = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile('node', [...BENCH, '--cases', 'tfjs/gpu'], (err, _out, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr })));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--cases tfjs/gpu names none of the planned cases (such as ours/webgpu/infer, ours/cpu/infer, ours/webgpu/train, ours/cpu/train)');
  });
});
