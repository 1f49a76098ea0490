import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FULL, planCases, QUICK, type PlannedCase } from '../../bench/bench-plan.ts';
import { measure, measureSafely, ONE_RUN, PROBABILITY_TOLERANCE, type CaseRunner } from '../../bench/latency.ts';
import type { CaseResult } from '../../bench/bench-schema.ts';
import { runBench } from '../../bench/run-bench.ts';
import { median } from '../../bench/timing.ts';

const SCHEMA_KEYS = ['impl', 'backend', 'net', 'batch', 'mode', 'env', 'msPerImage', 'imagesPerSec', 'peakGpuBytes', 'maxAbsDiffVsOurs', 'repeats', 'firstRunMs'];
const SHORTEST = { warmup: 1, minRepeats: 1, maxRepeats: 1, budgetMs: 0 };

describe('runBench', () => {
  it('times our CPU backend on a tiny light-cnn and reports every schema field', async () => {
    const planned: PlannedCase[] = [
      { impl: 'ours', backend: 'cpu', net: 'light-cnn', batch: 1, mode: 'infer', env: 'node' },
      { impl: 'ours', backend: 'cpu', net: 'light-cnn', batch: 2, mode: 'train', env: 'node' },
    ];
    const labels: string[] = [];
    const reported: CaseResult[] = [];
    const onCase = (l: string, r: CaseResult) => void (labels.push(l), reported.push(r));
    const out = await runBench(planned, { size: 32, timing: SHORTEST, onnxDir: join(tmpdir(), 'unused'), onCase });
    expect(labels).toEqual(['node ours cpu light-cnn infer batch 1', 'node ours cpu light-cnn train batch 2']);
    expect(reported).toEqual(out.cases);
    expect(out.chromium).toBeNull();
    expect(out.adapter).toEqual({ name: null, isSoftware: false, fourLaneSubgroups: false, chromium: null });
    const [infer, train] = out.cases;
    expect(Object.keys(infer).sort()).toEqual([...SCHEMA_KEYS].sort());
    expect(infer).toMatchObject({ impl: 'ours', backend: 'cpu', net: 'light-cnn', batch: 1, mode: 'infer', env: 'node', peakGpuBytes: null, repeats: 1 });
    // Our CPU backend is the reference: the same code on the same input gives the same bits.
    expect(infer.maxAbsDiffVsOurs).toBe(0);
    const t = infer.msPerImage!;
    expect(t.median).toBeGreaterThan(0);
    expect(t.min).toBe(t.median);
    expect(t.max).toBe(t.median);
    expect(infer.imagesPerSec).toBeCloseTo(1000 / t.median, 6);
    expect(train).toMatchObject({ mode: 'train', batch: 2, maxAbsDiffVsOurs: null, repeats: 1 });
    expect(train.msPerImage!.median).toBeGreaterThan(0);
  });
});

function fakeRunner(probs: Float32Array, onRun = () => {}): CaseRunner {
  return { run: async () => (onRun(), probs), dispose: () => {} };
}

describe('measure', () => {
  it('gives no time to a runner whose probabilities disagree with ours, and says by how much', async () => {
    let runs = 0;
    const m = await measure(fakeRunner(Float32Array.of(0.3, 0.7), () => runs++), SHORTEST, 1, Float32Array.of(0.302, 0.698));
    expect(runs).toBe(1);
    expect(m.msPerImage).toBeNull();
    expect(m.imagesPerSec).toBeNull();
    expect(m.firstRunMs).toBeNull();
    expect(m.maxAbsDiffVsOurs).toBeCloseTo(0.002, 6);
    expect(m.note).toContain(`> ${PROBABILITY_TOLERANCE}`);
  });

  it('times a runner that agrees within the tolerance, for as many repeats as the budget allows', async () => {
    let runs = 0;
    const plan = { warmup: 2, minRepeats: 3, maxRepeats: 4, budgetMs: 1e6 };
    const m = await measure(fakeRunner(Float32Array.of(0.3, 0.7), () => runs++), plan, 4, Float32Array.of(0.3005, 0.6995));
    expect(m.repeats).toBe(4);
    expect(runs).toBe(2 + 4);
    expect(m.maxAbsDiffVsOurs).toBeCloseTo(0.0005, 6);
    expect(m.msPerImage!.min).toBeLessThanOrEqual(m.msPerImage!.median);
    expect(m.msPerImage!.median).toBeLessThanOrEqual(m.msPerImage!.max);
  });

  it('fills the time budget by the warm runs, not by the cold first one', async () => {
    let runs = 0;
    const coldThenFast: CaseRunner = { run: async () => (await new Promise((r) => setTimeout(r, runs++ === 0 ? 300 : 1)), null), dispose: () => {} };
    const m = await measure(coldThenFast, { warmup: 1, minRepeats: 3, maxRepeats: 40, budgetMs: 150 }, 1, null);
    expect(m.repeats).toBeGreaterThanOrEqual(10);
    expect(m.msPerImage!.max).toBeLessThan(100);
    // the cold run is reported on its own
    expect(m.firstRunMs).toBeGreaterThanOrEqual(299);
    expect(m.firstRunMs).toBeLessThan(3000);
  });

  it('ONE_RUN: a case too slow to repeat is timed by its only run, with the peak of that run', async () => {
    const events: string[] = [];
    const slow: CaseRunner = {
      run: async () => (events.push('run'), await new Promise((r) => setTimeout(r, 30)), null),
      resetPeak: () => void events.push('reset'),
      peakGpuBytes: () => 42,
      dispose: () => {},
    };
    const m = await measure(slow, ONE_RUN, 2, null);
    expect(events).toEqual(['reset', 'run']);
    expect(m).toMatchObject({ repeats: 1, peakGpuBytes: 42, maxAbsDiffVsOurs: null });
    expect(m.msPerImage!.median).toBeGreaterThanOrEqual(14);
    expect(m.msPerImage!.median).toBeLessThan(1000);
    expect(m.msPerImage!.min).toBe(m.msPerImage!.median);
    expect(m.firstRunMs).toBe(2 * m.msPerImage!.median);
  });

  it('reports a runner that throws as a case without a time, naming the error', async () => {
    const broken: CaseRunner = { run: async () => { throw new Error("Kernel 'X' not registered"); }, dispose: () => {} };
    const m = await measureSafely(() => broken, SHORTEST, 1, null);
    expect(m).toMatchObject({ msPerImage: null, repeats: 0, firstRunMs: null, note: "failed: Kernel 'X' not registered" });
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle values for an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1])).toBe(2.5);
    expect(median([7, 1, 3, 100])).toBe(5);
  });
});

describe('planCases', () => {
  it('--quick: light-cnn only, slow peers at batch 1, and the tfjs cpu training step listed as not run with the reason', () => {
    const cases = planCases(QUICK, ['node', 'chromium'], true);
    expect(new Set(cases.map((c) => c.net))).toEqual(new Set(['light-cnn']));
    const slow = cases.filter((c) => c.mode === 'infer' && ['tfjs/cpu', 'tfjs/webgpu', 'ort-web/webgpu'].includes(`${c.impl}/${c.backend}`));
    expect(slow.length).toBe(3);
    expect(slow.every((c) => c.batch === 1)).toBe(true);
    expect(cases.filter((c) => c.env === 'node' && c.impl === 'ours' && c.mode === 'infer').map((c) => c.batch)).toEqual([1, 8, 1, 8]);
    const skipped = cases.filter((c) => c.skip);
    expect(skipped.map((c) => `${c.impl}/${c.backend}/${c.mode}`)).toEqual(['tfjs/cpu/train']);
    expect(skipped[0].skip).toBe("not run by --quick: tfjs-backend-cpu's Conv2DBackpropFilter makes a step of 16 images run past 105 minutes here, so it is timed on one image");
    expect(cases.some((c) => c.once)).toBe(false);
    expect(planCases(QUICK, ['node'], false).every((c) => c.impl === 'ours')).toBe(true);
  });

  it('the full run times the tfjs cpu training step of light-cnn on one image once, saying why, with ours on one image beside it, and skips it for the other nets', () => {
    const cases = planCases(FULL, ['node', 'chromium'], true);
    expect(cases.filter((c) => c.skip).map((c) => `${c.net}/${c.impl}/${c.backend}/${c.mode}`)).toEqual(['squeezenet/tfjs/cpu/train', 'squeezenet-bypass/tfjs/cpu/train']);
    const once = cases.filter((c) => c.once);
    expect(once.map((c) => `${c.env}/${c.impl}/${c.backend}/${c.mode}/${c.batch}`)).toEqual(['node/tfjs/cpu/train/1']);
    expect(once[0].once).toMatch(/^timed once, without a warm-up: .* so it is timed on one image$/);
    const train = (net: string) => cases.filter((c) => c.net === net && c.env === 'node' && c.mode === 'train').map((c) => `${c.impl}/${c.backend}/${c.batch}`);
    expect(train('light-cnn')).toEqual(['ours/webgpu/16', 'ours/cpu/16', 'tfjs/cpu/1', 'ours/cpu/1']);
    expect(train('squeezenet')).toEqual(['ours/webgpu/16', 'ours/cpu/16', 'tfjs/cpu/16']);
  });
});
