import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('node', ['--import', './scripts/register-loader.mjs', 'bench/kernels.ts', ...args], { maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });

describe('bench:kernels', () => {
  it('validates and times one layer on the subgroup and the plain WebGPU kernels (forward, backward, weight gradients alone), and writes the rows as JSON', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'kernels-')), 'rows.json');
    const { code, stdout, stderr } = await run(['--backend', 'webgpu,webgpu-plain', '--filter', 'fire9.squeeze', '--samples', '1', '--json', json]);
    expect(code, stderr).toBe(0);
    const { complete, rows } = JSON.parse(readFileSync(json, 'utf8')) as { complete: boolean; rows: { backend: string; pass: string; ok: boolean; gflops: number; gbps: number; ms: number; minMs: number; maxMs: number }[] };
    expect(complete).toBe(true);
    const expected = /4-lane subgroups\), WebGPU \([^)]*\), batch/.test(stderr) ? ['webgpu', 'webgpu-plain'] : ['webgpu', 'webgpu'];
    const passes = (backend: string) => ['fwd', 'bwd', 'bwd-dw'].map((pass) => `${backend} ${pass}`);
    expect(rows.map((r) => `${r.backend} ${r.pass}`)).toEqual([...passes(expected[0]), ...passes(expected[1])]);
    for (const r of rows) {
      expect(r.ok).toBe(true);
      expect(r.gflops).toBeGreaterThan(0);
      // fire9.squeeze at batch 1: x [1, 512, 14, 14], w [64, 512, 1, 1], b [64] in; y [1, 64, 14, 14] out
      const [x, w, b, y] = [512 * 196, 64 * 512, 64, 64 * 196];
      const bytes = { fwd: x + w + b + y, bwd: x + w + b + y + x + w + b, 'bwd-dw': x + w + b + y + w + b }[r.pass]!;
      expect(r.gbps).toBeCloseTo((4 * bytes) / (r.ms * 1e6), 6);
      expect(r.minMs).toBeGreaterThan(0);
      expect(r.minMs).toBeLessThanOrEqual(r.ms);
      expect(r.ms).toBeLessThanOrEqual(r.maxMs);
    }
    expect(stdout).toContain('fire9.squeeze');
  }, 120_000);

  it('keeps the cases it finished in the JSON file when it is stopped part-way, marked incomplete', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'kernels-')), 'rows.json');
    const child = spawn('node', ['--import', './scripts/register-loader.mjs', 'bench/kernels.ts', '--backend', 'cpu', '--filter', 'fire9', '--samples', '1', '--json', json]);
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (stderr.includes('[1/4] fire9.squeeze')) child.kill('SIGINT');
    });
    expect(await exited, stderr).not.toBe(0);
    const { complete, rows } = JSON.parse(readFileSync(json, 'utf8')) as { complete: boolean; rows: { label: string; pass: string; ok: boolean }[] };
    expect(complete).toBe(false);
    expect(rows.slice(0, 2).map((r) => `${r.label} ${r.pass} ${r.ok}`)).toEqual(['fire9.squeeze fwd true', 'fire9.squeeze bwd true']);
    expect(rows.length).toBeLessThan(8);
  }, 120_000);

  it('names a --json file it cannot write before timing anything', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'kernels-')), 'no-such-folder', 'rows.json');
    const { code, stderr } = await run(['--backend', 'cpu', '--filter', 'fire9.squeeze', '--json', json]);
    expect(code).toBe(1);
    expect(stderr).toContain(`bench:kernels: --json ${json}: cannot write it (ENOENT)`);
    expect(stderr).not.toContain('[1/1]');
  });

  it('names a backend it does not know', async () => {
    const { code, stderr } = await run(['--backend', 'webgpu,tpu', '--filter', 'fire9.squeeze']);
    expect(code).toBe(1);
    expect(stderr).toContain('--backend lists webgpu, webgpu-plain and cpu (or is both), got tpu');
  });
});
