import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResults, CaseResult } from '../../bench/bench-schema.ts';
import { compareResults, regressions } from '../../bench/compare-results.ts';
import { benchCase } from '../harness/bench-case.ts';

/** A case timed at `median` ms per image, without GPU memory figures unless `over` gives them. */
const timed = (over: Partial<CaseResult>, median = 100): CaseResult =>
  benchCase({ msPerImage: { median, min: median, max: median }, imagesPerSec: 1000 / median, peakGpuBytes: null, ...over });

const results = (cases: CaseResult[]): BenchResults => ({
  date: '2026-11-26T00:00:00.000Z',
  command: 'npm run bench',
  machine: { cpus: 2, model: 'test', loadAverage: [0, 0, 0], loadAverageAtEnd: [0, 0, 0], node: 'v20', chromium: null },
  adapter: { name: null, isSoftware: true, fourLaneSubgroups: false, chromium: null },
  cases,
});

const ORT = { impl: 'ort-node', backend: 'cpu' } as const;
const BASELINE = results([
  timed({}, 400),
  timed({ batch: 8, peakGpuBytes: 1000 }, 300),
  timed({ backend: 'cpu' }, 80),
  timed(ORT, 10),
  timed({ impl: 'tfjs', backend: 'cpu' }, 2000),
  timed({ mode: 'train', backend: 'cpu', batch: 16 }, 600),
]);
const CURRENT = results([
  timed({}, 520), // 1.3 × slower
  timed({ batch: 8, peakGpuBytes: 1020 }, 300), // 2% more memory
  timed({ backend: 'cpu' }, 60), // 0.75 ×
  timed(ORT, 13), // the machine ran 1.3 × slower
  timed({ impl: 'tfjs', backend: 'cpu' }, 3000), // a peer 1.5 × slower
  timed({ mode: 'train', backend: 'cpu', batch: 16, msPerImage: null, imagesPerSec: null, repeats: 0 }),
  timed({ env: 'chromium' }, 500),
]);

describe('compareResults', () => {
  it('matches cases by environment, implementation, backend, net, mode and batch, and judges each ratio against the tolerance', () => {
    const rows = compareResults(BASELINE, CURRENT, { tolerance: 0.25 });
    const by = new Map(rows.map((r) => [r.key, r]));
    expect(rows.map((r) => r.key)).toEqual([
      'node/ours/webgpu/light-cnn/infer/1',
      'node/ours/webgpu/light-cnn/infer/8',
      'node/ours/cpu/light-cnn/infer/1',
      'node/ort-node/cpu/light-cnn/infer/1',
      'node/tfjs/cpu/light-cnn/infer/1',
      'node/ours/cpu/light-cnn/train/16',
      'chromium/ours/webgpu/light-cnn/infer/1',
    ]);
    expect(by.get('node/ours/webgpu/light-cnn/infer/1')).toMatchObject({ baselineMs: 400, currentMs: 520, ratio: 1.3, relativeRatio: null, verdict: 'slower' });
    expect(by.get('node/ours/webgpu/light-cnn/infer/8')).toMatchObject({ ratio: 1, baselinePeakBytes: 1000, currentPeakBytes: 1020, verdict: 'more memory' });
    expect(by.get('node/ours/cpu/light-cnn/infer/1')).toMatchObject({ ratio: 0.75, verdict: 'faster' });
    expect(by.get('node/ort-node/cpu/light-cnn/infer/1')!.verdict).toBe('slower');
    expect(by.get('node/ours/cpu/light-cnn/train/16')).toMatchObject({ currentMs: null, ratio: null, verdict: 'untimed' });
    expect(by.get('chromium/ours/webgpu/light-cnn/infer/1')).toMatchObject({ baselineMs: null, verdict: 'new' });
    expect(compareResults(CURRENT, BASELINE, { tolerance: 0.25 }).find((r) => r.key.startsWith('chromium'))!.verdict).toBe('gone');
    expect(compareResults(BASELINE, CURRENT, { tolerance: 0.35 }).find((r) => r.key === 'node/ours/webgpu/light-cnn/infer/1')!.verdict).toBe('same');
  });

  it('--relative-to divides each ratio by the reference case\'s in the same environment, and judges by that', () => {
    const rows = compareResults(BASELINE, CURRENT, { tolerance: 0.1, relativeTo: 'ort-web/wasm,ort-node/cpu' });
    const by = new Map(rows.map((r) => [r.key, r]));
    expect(by.get('node/ours/webgpu/light-cnn/infer/1')!.relativeRatio).toBeCloseTo(1, 12);
    expect(by.get('node/ours/webgpu/light-cnn/infer/1')!.verdict).toBe('same');
    expect(by.get('node/ours/cpu/light-cnn/infer/1')!.relativeRatio).toBeCloseTo(0.75 / 1.3, 12);
    expect(by.get('node/tfjs/cpu/light-cnn/infer/1')!.relativeRatio).toBeCloseTo(1.5 / 1.3, 12);
    expect(by.get('node/tfjs/cpu/light-cnn/infer/1')!.verdict).toBe('slower');
    expect(() => compareResults(BASELINE, CURRENT, { tolerance: 0.1, relativeTo: 'ort-web/wasm' })).toThrow(
      '--relative-to ort-web/wasm: no environment has a batch-1 inference case of it timed in both files',
    );
  });

  it('--relative-to takes the machine factor from the same net in both files, whichever comes first', () => {
    const squeeze = { ...ORT, net: 'squeezenet' };
    const baseline = results([timed({}, 10), timed(ORT, 20)]);
    const current = results([timed(squeeze, 100), timed({}, 20), timed(ORT, 20)]); // ours 2 × slower, light-cnn's reference unchanged
    const ours = compareResults(baseline, current, { tolerance: 0.25, relativeTo: 'ort-node/cpu' })[0];
    expect(ours).toMatchObject({ ratio: 2, relativeRatio: 2, verdict: 'slower' });
  });

  it('counts as regressions our own cases that got slower, took more memory, or were timed before and are not now', () => {
    const worse = regressions(compareResults(BASELINE, CURRENT, { tolerance: 0.25 }));
    expect(worse.map((r) => `${r.key} ${r.verdict}`)).toEqual([
      'node/ours/webgpu/light-cnn/infer/1 slower',
      'node/ours/webgpu/light-cnn/infer/8 more memory',
      'node/ours/cpu/light-cnn/train/16 untimed',
    ]);
    const lost = regressions(compareResults(BASELINE, results([]), { tolerance: 0.25 }));
    expect(lost.map((r) => `${r.key} ${r.verdict}`)).toEqual([
      'node/ours/webgpu/light-cnn/infer/1 gone',
      'node/ours/webgpu/light-cnn/infer/8 gone',
      'node/ours/cpu/light-cnn/infer/1 gone',
      'node/ours/cpu/light-cnn/train/16 gone',
    ]);
  });
});

const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('node', ['--import', './scripts/register-loader.mjs', 'bench/compare.ts', ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });

describe('npm run bench:compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  const [before, after, broken, partial, keyless, bigger, swiftshader, h100] = ['before', 'after', 'broken', 'partial', 'keyless', 'bigger', 'swiftshader', 'h100'].map((f) => join(dir, `${f}.json`));
  writeFileSync(before, JSON.stringify({ ...BASELINE, size: 224 }));
  writeFileSync(after, JSON.stringify(CURRENT));
  writeFileSync(broken, '{"cases": ');
  writeFileSync(partial, JSON.stringify({ complete: false, cases: BASELINE.cases.slice(0, 2) }));
  writeFileSync(keyless, JSON.stringify(results([timed({}), { ...timed({}), net: undefined as unknown as string }])));
  writeFileSync(bigger, JSON.stringify({ ...BASELINE, size: 112 }));
  const onAdapter = (name: string) => JSON.stringify({ ...BASELINE, adapter: { ...BASELINE.adapter, name } });
  writeFileSync(swiftshader, onAdapter('SwiftShader Device (Subzero)'));
  writeFileSync(h100, onAdapter('NVIDIA H100 80GB HBM3'));

  it('prints a row per case and exits 1 naming our regressions; 0 when there are none', async () => {
    const worse = await run([before, after]);
    expect(worse.code).toBe(1);
    expect(worse.stdout).toMatch(/node\/ours\/webgpu\/light-cnn\/infer\/1\s+400\.0\s+520\.0\s+1\.300\s+—\s+slower/);
    expect(worse.stderr).toContain(`warning: ${after} does not record its input size (written before sizes were): check that both runs timed the same`);
    expect(worse.stderr).not.toContain(`${before} does not record`);
    expect(worse.stderr).toContain('3 of our cases regressed: node/ours/webgpu/light-cnn/infer/1 (slower), node/ours/webgpu/light-cnn/infer/8 (more memory), node/ours/cpu/light-cnn/train/16 (untimed)');
    const same = await run([before, before, '--json']);
    expect(same.code, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout).every((r: { verdict: string }) => r.verdict === 'same' || r.verdict === 'untimed')).toBe(true);
  }, 60_000);

  it('exits 2 naming the file or flag at fault', async () => {
    const missing = await run([before, join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read ${join(dir, 'none.json')}`);
    const bad = await run([before, broken]);
    expect(bad.stderr).toContain(`${broken} is not JSON`);
    const flag = await run([before, after, '--tolerance=-1']);
    expect(flag.stderr).toContain('--tolerance must be at least 0, got "-1"');
    const empty = await run([before, after, '--tolerance', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--tolerance must be a number, got ""');
    const cut = await run([before, partial]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain(`${partial} holds the partial results of a run that did not finish (2 cases): compare finished runs`);
    expect((await run([keyless, before])).stderr).toContain(`${keyless}: case 2 has no net (a string)`);
    const sizes = await run([before, bigger]);
    expect(sizes.code).toBe(2);
    expect(sizes.stderr).toContain(`the runs timed different input sizes, 224 in ${before} and 112 in ${bigger}: their times do not compare`);
    const gpus = await run([swiftshader, h100]);
    expect(gpus.code, gpus.stderr).toBe(0);
    expect(gpus.stderr).toContain(`warning: the Node WebGPU adapter differs (SwiftShader Device (Subzero) in ${swiftshader}, NVIDIA H100 80GB HBM3 in ${h100}): its GPU cases timed different devices`);
    const one = await run([before]);
    expect(one.stderr).toContain('give two results files, BASELINE.json CURRENT.json (got 1)');
  }, 60_000);
});
