/**
 * Where the wall time of one light-cnn inference (batch 1, BN folded, as the bench runs it) goes on
 * webgpu in Node: upload, encoding the ops (host), submit → onSubmittedWorkDone, the readback's
 * copy + mapAsync, the compute passes' own GPU timestamps, and the process CPU time (on SwiftShader
 * that is mostly its worker threads running the kernels, so it shows the work apart from how much
 * of the machine the process got). With --split every op gets its own compute pass (as the per-layer
 * profile does), alternating with the one-pass runs; with --plain the runs alternate with runs of the
 * kernels that do without subgroups (where the device takes the subgroup ones: 4-lane subgroups).
 *
 *   node --import ./scripts/register-loader.mjs bench/forward-phases.ts [--size 224] [--runs 7] [--split | --plain]
 */
import { scriptArgs, scriptNumber } from '../src/cli/script-args.ts';
import { inferenceNet } from '../src/nets/fold-batchnorm.ts';
import { buildNet } from '../src/nets/index.ts';
import { createBackend } from '../src/runtime/create-backend.ts';
import { WebGpuBackend } from '../src/runtime/gpu/backend.ts';
import { PassTimer } from '../src/runtime/gpu/pass-timer.ts';
import { benchInput, benchWeights } from './bench-inputs.ts';
import { median } from './timing.ts';

const { values } = scriptArgs(import.meta.url, {
  options: { size: { type: 'string' }, runs: { type: 'string' }, split: { type: 'boolean', default: false }, plain: { type: 'boolean', default: false } },
});
const size = scriptNumber(import.meta.url, 'size', values.size, 224, { integer: true, min: 16 });
const runs = scriptNumber(import.meta.url, 'runs', values.runs, 7, { integer: true, min: 1 });
const { split, plain } = values;
if (split && plain) throw new Error('forward-phases: --split or --plain, not both');

const backend = await createBackend('webgpu');
if (!(backend instanceof WebGpuBackend)) throw new Error('forward-phases needs the webgpu backend');
const spec = buildNet('light-cnn', { size });
const net = inferenceNet(spec, backend, benchWeights(spec));
const input = benchInput(spec, 1);

let dispatches = 0;
const run = backend.run.bind(backend);
backend.run = (...args) => {
  dispatches++;
  run(...args);
};
let splitNow = false;
const subgroups = backend.fourLaneSubgroups;
const forward = backend.forward.bind(backend);
backend.forward = (...args) => {
  const out = forward(...args);
  if (splitNow) backend.endPass();
  return out;
};

const phases = ['upload', 'encode', 'gpu wait', 'read', 'wall', 'GPU passes', 'process CPU'];
const rows = new Map<string, number[]>();
const record = (name: string, ms: number) => rows.set(name, [...(rows.get(name) ?? []), ms]);
const runsPerMode = split || plain ? 2 : 1;
const label = split ? ' (pass per op)' : ' (plain kernels)';
for (let r = 0; r < runsPerMode * (runs + 1); r++) {
  const other = runsPerMode === 2 && r % 2 === 1;
  splitNow = split && other;
  backend.fourLaneSubgroups = subgroups && !(plain && other);
  const timer = backend.gpu.hasTimestamps ? new PassTimer(backend.device) : null;
  backend.passTimestamps = timer ? () => timer.nextPass() : null;
  dispatches = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const x = backend.tensor([1, ...spec.inputShape], input);
  const t1 = performance.now();
  const pass = net.forward(x, 'infer');
  const t2 = performance.now();
  await backend.sync();
  const t3 = performance.now();
  await pass.logits.read();
  const t4 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  net.release(pass);
  x.dispose();
  backend.passTimestamps = null;
  const passMs = timer ? (await timer.millisecondsPerOwner(1))[0] : NaN;
  timer?.destroy();
  if (r < runsPerMode) continue; // pipelines built, JIT warm
  const times = [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0, passMs, (cpu.user + cpu.system) / 1000];
  phases.forEach((p, i) => record(other ? `${p}${label}` : p, times[i]));
}

console.log(`light-cnn ${size}×${size} batch 1 on ${backend.description}: ${dispatches} dispatches; median of ${runs} runs, ms`);
const width = Math.max(...[...rows.keys()].map((k) => k.length));
for (const [name, ms] of rows) console.log(`${name.padEnd(width)} ${median(ms).toFixed(1).padStart(8)}   [${ms.map((v) => v.toFixed(0)).join(' ')}]`);
backend.dispose();
