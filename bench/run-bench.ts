import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/nets/atomic-write.ts';
import { buildNet } from '../src/nets/index.ts';
import { exportOnnx } from '../src/nets/onnx-export.ts';
import { CpuBackend } from '../src/runtime/cpu/backend.ts';
import { WebGpuBackend } from '../src/runtime/gpu/backend.ts';
import { benchWeights } from './bench-inputs.ts';
import { referenceBatches, type PlannedCase } from './bench-plan.ts';
import type { AdapterInfo, CaseResult } from './bench-schema.ts';
import type { BenchPage } from './chromium-page.ts';
import { measureSafely, ONE_RUN, type Measured, type TimingPlan } from './latency.ts';
import { NodeBackends, nodeRunner, type NetInputs } from './node-runners.ts';
import { oursInferRunner } from './ours.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RunOptions {
  /** Input height and width (224 for the paper's nets; smaller for smoke tests). */
  size: number;
  timing: TimingPlan;
  /** Where the page's ONNX models are written: a folder inside the project, which the Vite server serves. */
  onnxDir: string;
  /** Called after each case with its result, e.g. to tick a progress line and keep partial results. */
  onCase?: (label: string, result: CaseResult) => void | Promise<void>;
}

export interface RunOutcome {
  cases: CaseResult[];
  adapter: AdapterInfo;
  /** Chromium's version, when Chromium cases ran. */
  chromium: string | null;
}

interface BenchNet extends NetInputs {
  /** Our CPU backend's probabilities for the largest inference batch (its first images make every smaller batch). */
  reference: Float32Array | null;
  referenceBatch: number;
}

/** Runs the planned cases: Node ones first, then the Chromium ones in one page. Every peer is checked against ours before it is timed. */
export async function runBench(planned: readonly PlannedCase[], options: RunOptions): Promise<RunOutcome> {
  const nets = await prepareNets(planned, options.size);
  const results = new Map<PlannedCase, Measured>();
  const label = (c: PlannedCase) => `${c.env} ${c.impl} ${c.backend} ${c.net} ${c.mode} batch ${c.batch}`;
  const reference = (c: PlannedCase) => {
    const net = nets.get(c.net)!;
    if (c.mode === 'train' || !net.reference) return null;
    return net.reference.subarray(0, (net.reference.length / net.referenceBatch) * c.batch);
  };
  const skipped = (c: PlannedCase): Measured => ({ msPerImage: null, imagesPerSec: null, peakGpuBytes: null, maxAbsDiffVsOurs: null, repeats: 0, firstRunMs: null, note: c.skip });
  const timingOf = (c: PlannedCase) => (c.once ? ONE_RUN : options.timing);
  const withOnceNote = (c: PlannedCase, m: Measured): Measured => (c.once && !m.note ? { ...m, note: c.once } : m);
  const result = (c: PlannedCase): CaseResult => ({ impl: c.impl, backend: c.backend, net: c.net, batch: c.batch, mode: c.mode, env: c.env, ...results.get(c)! });

  const backends = new NodeBackends();
  let nodeAdapter: WebGpuBackend | null = null;
  try {
    for (const c of planned.filter((p) => p.env === 'node')) {
      const make = () => nodeRunner(c, nets.get(c.net)!, backends);
      results.set(c, c.skip ? skipped(c) : withOnceNote(c, await measureSafely(make, timingOf(c), c.batch, reference(c))));
      if (c.impl === 'ours' && c.backend === 'webgpu') nodeAdapter ??= (await backends.get('webgpu').catch(() => null)) as WebGpuBackend | null;
      await options.onCase?.(label(c), result(c));
    }
  } finally {
    await backends.dispose();
  }

  const inPage = planned.filter((p) => p.env === 'chromium');
  let page: BenchPage | null = null;
  if (inPage.length > 0) {
    const onnxUrls = await writePageModels(inPage, nets, options);
    // Loaded only here: a Node-only run needs neither Vite nor puppeteer installed.
    const { openBenchPage } = await import('./chromium-page.ts');
    page = await openBenchPage();
    try {
      for (const c of inPage) {
        const ref = reference(c);
        const onnxUrl = onnxUrls.get(`${c.net}/${c.backend}`);
        const pageCase = { ...c, size: options.size, plan: timingOf(c), reference: ref && Array.from(ref), onnxUrl };
        results.set(c, c.skip ? skipped(c) : withOnceNote(c, await page.run(pageCase)));
        await options.onCase?.(label(c), result(c));
      }
    } finally {
      await page.close();
    }
  }

  const cases = planned.map(result);
  const adapter: AdapterInfo = {
    name: nodeAdapter?.gpu.adapterName ?? null,
    isSoftware: nodeAdapter?.gpu.isSoftware ?? false,
    fourLaneSubgroups: nodeAdapter?.gpu.fourLaneSubgroups ?? false,
    chromium: page ? { name: page.adapter.name, isSoftware: page.adapter.isSoftware, fourLaneSubgroups: page.adapter.fourLaneSubgroups } : null,
  };
  return { cases, adapter, chromium: page?.version ?? null };
}

async function prepareNets(planned: readonly PlannedCase[], size: number): Promise<Map<string, BenchNet>> {
  const batches = referenceBatches(planned);
  const nets = new Map<string, BenchNet>();
  const cpu = new CpuBackend();
  for (const name of new Set(planned.map((c) => c.net))) {
    const spec = buildNet(name, { size });
    const weights = benchWeights(spec);
    let onnx: Uint8Array | undefined;
    const referenceBatch = batches.get(name) ?? 0;
    let reference: Float32Array | null = null;
    if (referenceBatch > 0) {
      const runner = oursInferRunner(cpu, spec, weights, referenceBatch);
      reference = await runner.run();
      runner.dispose();
    }
    nets.set(name, { spec, weights, onnx: () => (onnx ??= exportOnnx(spec, weights, { classNames: ['non-COVID', 'COVID'] })), reference, referenceBatch });
  }
  return nets;
}

/** Writes the ONNX models the page's ort-web cases fetch; returns their URLs by "net/backend". */
async function writePageModels(cases: readonly PlannedCase[], nets: Map<string, BenchNet>, options: RunOptions): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  const wanted = cases.filter((c) => c.impl === 'ort-web' && !c.skip);
  if (wanted.length > 0) await mkdir(options.onnxDir, { recursive: true });
  for (const c of wanted) {
    const key = `${c.net}/${c.backend}`;
    if (urls.has(key)) continue;
    const net = nets.get(c.net)!;
    const bytes = net.onnx();
    const file = join(options.onnxDir, `${c.net}-${options.size}-${c.backend}.onnx`);
    await writeFileAtomic(file, bytes);
    const path = relative(PROJECT_ROOT, file);
    if (path.startsWith('..')) throw new Error(`--onnx-dir ${options.onnxDir} is outside the project, which the page's server cannot serve`);
    urls.set(key, `/${path.split('\\').join('/')}`);
  }
  return urls;
}
