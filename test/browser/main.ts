// The op cases in the browser: test/ops/chromium.test.ts calls window.opTests
// through puppeteer. Opening the page with ?run runs every case and lists the results.
import { createBackend } from '../../src/runtime/create-backend.ts';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { caseName, runOpCase, type OpCase } from '../harness/op-case.ts';
import { allOpCases } from '../ops/all.cases.ts';

export interface AdapterReport {
  /** The WebGPU adapter's name, or null when there is none. */
  adapter: string | null;
  /** Why there is no adapter (the browser's or our own message). */
  reason: string | null;
  isSoftware: boolean;
  crossOriginIsolated: boolean;
}

/** One case's outcome; `error` is set instead of the numbers when the case threw or the GPU reported an error. */
export interface PageCaseResult {
  index: number;
  name: string;
  worst: number | null;
  where: string;
  compared: number;
  error: string | null;
  ms: number;
}

export interface OpTestsApi {
  adapter(): Promise<AdapterReport>;
  /** Runs the cases of allOpCases picked by index or by name (all of them when omitted), in list order. */
  run(pick?: (number | string)[]): Promise<PageCaseResult[]>;
  caseNames(): string[];
}

declare global {
  interface Window {
    opTests: OpTestsApi;
  }
}

let backend: Promise<WebGpuBackend> | undefined;

const gpuBackend = () => (backend ??= createBackend('webgpu') as Promise<WebGpuBackend>);

async function adapter(): Promise<AdapterReport> {
  try {
    const b = await gpuBackend();
    return { adapter: b.gpu.adapterName, reason: null, isSoftware: b.gpu.isSoftware, crossOriginIsolated };
  } catch (err) {
    return { adapter: null, reason: (err as Error).message, isSoftware: false, crossOriginIsolated };
  }
}

/** Runs one case inside GPU error scopes, so a validation error is reported against the case that caused it. */
async function runCase(b: WebGpuBackend, c: OpCase, index: number): Promise<PageCaseResult> {
  const name = caseName(c);
  const start = performance.now();
  const scopes: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];
  for (const filter of scopes) b.device.pushErrorScope(filter);
  let result: Omit<PageCaseResult, 'ms'>;
  try {
    const r = await runOpCase(b, c);
    result = { index, name, worst: r.worst, where: r.where, compared: r.compared, error: null };
  } catch (err) {
    result = { index, name, worst: null, where: '', compared: 0, error: (err as Error).stack ?? String(err) };
  }
  const gpuErrors: string[] = [];
  for (const filter of [...scopes].reverse()) {
    const e = await b.device.popErrorScope().catch((err: Error) => err);
    if (e) gpuErrors.push(`GPU ${filter} error: ${e.message}`);
  }
  if (gpuErrors.length) result.error = [...gpuErrors, result.error].filter(Boolean).join('\n');
  return { ...result, ms: Math.round(performance.now() - start) };
}

function pickCases(pick: (number | string)[]): number[] {
  const names = allOpCases.map(caseName);
  for (const p of pick) {
    const known = typeof p === 'number' ? p >= 0 && p < names.length : names.includes(p);
    if (!known) throw new Error(`no op case ${JSON.stringify(p)} in allOpCases (${names.length} cases)`);
  }
  return names.flatMap((name, i) => (pick.includes(i) || pick.includes(name) ? [i] : []));
}

async function run(pick?: (number | string)[]): Promise<PageCaseResult[]> {
  const b = await gpuBackend();
  const results: PageCaseResult[] = [];
  for (const i of pick ? pickCases(pick) : allOpCases.keys()) results.push(await runCase(b, allOpCases[i], i));
  return results;
}

window.opTests = { adapter, run, caseNames: () => allOpCases.map(caseName) };

if (new URLSearchParams(location.search).has('run')) {
  const list = document.createElement('pre');
  document.body.append(list);
  const report = await adapter();
  list.textContent = `adapter: ${report.adapter ?? `none (${report.reason})`}\n`;
  for (const r of await run()) {
    const verdict = r.error ? `ERROR ${r.error}` : `${r.worst! <= 1 ? 'ok' : 'FAIL'} worst ${r.worst} ${r.where}`;
    list.textContent += `${r.name}: ${verdict} (${r.ms} ms)\n`;
  }
}
