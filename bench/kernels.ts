/**
 * `npm run bench:kernels`: times every kernel of the light CNN (bench/cases.ts),
 * forward and backward, on webgpu and cpu. Each case is first checked against
 * the CPU twin; a kernel that disagrees is reported as FAIL and not timed.
 *
 * Usage: bench:kernels [--backend both|LIST] [--filter TEXT] [--batch N]
 *                      [--samples N] [--json FILE] [--threads 1,2]
 * --backend lists webgpu, webgpu-plain and cpu (both: webgpu,cpu); webgpu-plain is WebGPU with the
 * kernels that do without subgroups, where the device would take the subgroup ones (4-lane
 * subgroups, src/runtime/gpu/subgroup-probe.ts): each case runs on both back to back.
 * --threads times the cpu backend once per listed thread count (default: every core).
 * The table goes to stdout, progress and ETA to stderr; --json writes the rows
 * atomically (a temp file renamed into place) after every case, with "complete": false
 * until the last, so a run cut off by a time limit keeps the cases it finished.
 *
 * Kernel variants measured, chosen per shape by src/runtime/ops/conv2d-gpu.ts:
 *   conv2d_*_1x1  1×1 stride 1: GEMM, 8 channels × 16 pixels per invocation (shaders/conv2d-1x1.wgsl, its weight gradient conv2d-1x1-weight.wgsl)
 *   conv2d_*_3x3  3×3 stride 1 (forward also stride 2, conv1): 8 channels × 16 pixels of a row,
 *                 each input row reused for three taps (shaders/conv2d-3x3.wgsl)
 *   conv2d_*      anything else: implicit GEMM, 4×4 tile (shaders/conv2d.wgsl)
 *   *_shared      with 4-lane subgroups: the 1×1 kernels share pixel loads (4 channel octets of the same
 *                 pixels per subgroup), the 3×3 stride-1 ones weight loads, 2 rows each (the *-subgroup.wgsl files)
 * fire_expand runs the 1×1 and 3×3 kernels into channel slices of one output; conv_transpose2d
 * with kernel = stride runs the 1×1 GEMM, storing at the output pixels (its backward a gather and 1×1 GEMMs).
 * On the cpu backend: im2col + a WebAssembly SIMD GEMM, 4×8 register tile (src/runtime/cpu/gemm-simd.ts).
 * GFLOP/s counts 2 per multiply-add (bench/op-costs.ts); a backward pass (bwd) is dx + dw + db.
 * GB/s is the bytes of the tensors a pass takes and gives (forward: inputs and outputs; backward:
 * inputs, dOut and the gradients it writes) per second: for memory-bound kernels (pools, batch
 * norm, ELU, concat), set it against the machine's memory bandwidth.
 * conv2d cases also time bwd-dw, the weight gradients alone (dx skipped, as training runs conv1):
 * bwd − bwd-dw is what dx costs.
 */
import os from 'node:os';
import { Progress } from '../src/cli/progress.ts';
import { scriptArgs } from '../src/cli/script-args.ts';
import { writeFileAtomic } from '../src/nets/atomic-write.ts';
import type { Backend } from '../src/runtime/backend.ts';
import { CpuBackend } from '../src/runtime/cpu/backend.ts';
import { createBackend } from '../src/runtime/create-backend.ts';
import { WebGpuBackend } from '../src/runtime/gpu/backend.ts';
import { getOp } from '../src/runtime/registry.ts';
import { benchCases, type BenchCase } from './cases.ts';
import { opMacs, passBytes } from './op-costs.ts';
import { timeKernel } from './timing.ts';
import { backwardPasses, neededFor, reference, validate, type BackwardPass, type Check, type Reference } from './validate.ts';

interface Row {
  label: string;
  op: string;
  inputs: number[][];
  attrs: object;
  pass: 'fwd' | BackwardPass;
  backend: string;
  device: string;
  /** Worst error over tolerance against the CPU twin; ≤ 1 passes. */
  worst: number;
  ok: boolean;
  /** Median ms per call over the samples, and the fastest and slowest sample. */
  ms: number | null;
  minMs: number | null;
  maxMs: number | null;
  gflops: number | null;
  /** The bytes the pass takes and gives, per second (bench/op-costs.ts passBytes). */
  gbps: number | null;
  /** Process CPU time per call, all threads. */
  cpuMs: number | null;
  where?: string;
}

const { values } = scriptArgs(import.meta.url, {
  options: {
    backend: { type: 'string', default: 'both' },
    filter: { type: 'string' },
    batch: { type: 'string', default: '1' },
    samples: { type: 'string', default: '5' },
    json: { type: 'string' },
    threads: { type: 'string' },
  },
});

function cpuBackends(): Backend[] {
  if (!values.threads) return [new CpuBackend()];
  return values.threads.split(',').map((t) => {
    const threads = Number(t);
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must list positive integers, got ${values.threads}`);
    return new CpuBackend({ threads });
  });
}

function backendLabel(b: Backend): string {
  if (b instanceof CpuBackend && values.threads) return `cpu×${b.threads}`;
  return b instanceof WebGpuBackend && b.gpu.fourLaneSubgroups && !b.fourLaneSubgroups ? 'webgpu-plain' : b.name;
}

async function backend(choice: string): Promise<Backend[]> {
  if (choice === 'cpu') return cpuBackends();
  if (choice !== 'webgpu' && choice !== 'webgpu-plain') throw new Error(`--backend lists webgpu, webgpu-plain and cpu (or is both), got ${choice}`);
  const gpu = (await createBackend('webgpu')) as WebGpuBackend;
  gpu.fourLaneSubgroups &&= choice === 'webgpu';
  return [gpu];
}

async function backends(list: string): Promise<Backend[]> {
  const out: Backend[] = [];
  for (const choice of list === 'both' ? ['webgpu', 'cpu'] : list.split(',')) out.push(...(await backend(choice.trim())));
  return out;
}

async function benchCase(backend: Backend, c: BenchCase, ref: Reference, samples: number): Promise<Row[]> {
  const checks = await validate(backend, c, ref);
  const op = getOp(c.op);
  const attrs = c.attrs ?? {};
  const macs = opMacs[c.op]?.(c.inputs, attrs);
  const base = { label: c.label, op: c.op, inputs: c.inputs.map((s) => [...s]), attrs, backend: backendLabel(backend), device: backend.description };
  const inputs = c.inputs.map((s, i) => backend.tensor(s, ref.inputs[i]));
  const outputs = backend.forward(c.op, inputs, attrs);
  const rows: Row[] = [];
  const outputShapes = outputs.map((t) => t.shape);
  const time = async (pass: Row['pass'], check: Check, run: () => void) => {
    const ok = check.worst <= 1;
    const row: Row = { ...base, pass, worst: check.worst, ok, ms: null, minMs: null, maxMs: null, gflops: null, gbps: null, cpuMs: null };
    if (!ok) row.where = check.where;
    else {
      const timing = await timeKernel(backend, run, { samples });
      [row.ms, row.minMs, row.maxMs] = [timing.medianMs, timing.minMs, timing.maxMs];
      row.cpuMs = timing.medianCpuMs;
      // dw alone takes as many multiply-adds as the forward pass
      if (macs) row.gflops = (2 * (pass === 'bwd-dw' ? macs.fwd : macs[pass])) / (row.ms * 1e6);
      const gradsWritten = pass === 'fwd' ? undefined : neededFor(pass, c.inputs.length).map((needed, i) => needed && op.grads[i] === true);
      row.gbps = passBytes(c.inputs, outputShapes, gradsWritten) / (row.ms * 1e6);
    }
    rows.push(row);
  };
  await time('fwd', checks.fwd, () => backend.forward(c.op, inputs, attrs).forEach((t) => t.dispose()));
  if (ref.dy && op.kind === 'layer') {
    const dy = backend.tensor(outputs[0].shape, ref.dy);
    for (const pass of backwardPasses(c.op)) {
      const needed = neededFor(pass, inputs.length);
      await time(pass, checks.bwd[pass]!, () => backend.backward(c.op, inputs, outputs, dy, attrs, needed).forEach((g) => g?.dispose()));
    }
    dy.dispose();
  }
  for (const t of [...inputs, ...outputs]) t.dispose();
  return rows;
}

function printTable(rows: Row[]): void {
  const header = ['case', 'op', 'pass', 'backend', 'median ms', 'GFLOP/s', 'GB/s', 'cpu ms', 'err/tol'];
  const cells = rows.map((r) => [
    r.label, r.op, r.pass, r.backend,
    r.ms === null ? '—' : r.ms.toFixed(2),
    r.gflops === null ? '—' : r.gflops.toFixed(2),
    r.gbps === null ? '—' : r.gbps.toFixed(2),
    r.cpuMs === null ? '—' : r.cpuMs.toFixed(2),
    r.ok ? r.worst.toExponential(1) : `FAIL ${r.worst.toExponential(1)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i >= 4 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ');
  console.log(line(header));
  for (const c of cells) console.log(line(c));
  for (const r of rows.filter((r) => !r.ok)) console.log(`FAIL ${r.label} ${r.pass} on ${r.backend}: ${r.where}`);
}

async function writeJson(path: string, data: unknown): Promise<void> {
  try {
    await writeFileAtomic(path, JSON.stringify(data, null, 2) + '\n');
  } catch (err) {
    throw new Error(`--json ${path}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

async function main(): Promise<void> {
  const batch = Number(values.batch);
  const samples = Number(values.samples);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`--batch must be a positive integer, got ${values.batch}`);
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`--samples must be a positive integer, got ${values.samples}`);
  const cases = benchCases(batch).filter((c) => !values.filter || c.label.includes(values.filter) || c.op.includes(values.filter));
  if (cases.length === 0) throw new Error(`no bench case matches --filter ${values.filter}`);
  const bs = await backends(values.backend!);
  console.error(`bench:kernels: ${cases.length} cases × ${bs.map((b) => b.description).join(', ')}, batch ${batch}`);
  const rows: Row[] = [];
  const date = new Date().toISOString();
  const machine = () => ({ cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage: os.loadavg() });
  const save = async (complete: boolean) => values.json && writeJson(values.json, { date, batch, samples, machine: machine(), complete, rows });
  await save(false); // before the first case: a --json that cannot be written fails now, not after it
  const progress = new Progress(cases.length * bs.length);
  for (const c of cases) {
    const ref = reference(c);
    for (const b of bs) {
      rows.push(...(await benchCase(b, c, ref, samples)));
      await save(false);
      progress.tick(`${c.label} on ${backendLabel(b)}`);
    }
  }
  printTable(rows);
  await save(true);
  const { loadAverage, cpus } = machine();
  console.error(`load average ${loadAverage.map((l) => l.toFixed(1)).join(' ')} on ${cpus} CPUs: wall times on a busy machine run long`);
  for (const b of bs) b.dispose();
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(`bench:kernels: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
