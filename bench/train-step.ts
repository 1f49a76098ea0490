/**
 * `npm run bench:step`: one light-cnn training step (forward in training mode, loss,
 * backward, SGD update) on random inputs, timed per op and in all, the median of
 * --steps steps after one warm-up step.
 *
 * Usage: bench:step [--size 112] [--batch 16] [--steps 3] [--backend cpu|webgpu]
 * Thread count of the cpu backend: COVID_CT_CPU_THREADS (default: every core).
 * Ops are timed where they are called: on the cpu backend that is their compute time; on
 * webgpu it is only the time to encode them (the step's total is what the GPU took).
 */
import { scriptArgs, scriptNumber } from '../src/cli/script-args.ts';
import { buildNet } from '../src/nets/index.ts';
import { createNet } from '../src/nets/init.ts';
import type { Backend } from '../src/runtime/backend.ts';
import { createBackend, type BackendChoice } from '../src/runtime/create-backend.ts';
import { Random } from '../src/runtime/random.ts';
import { Sgd, trainStep } from '../src/train/train-step.ts';
import { median } from './timing.ts';

const { values } = scriptArgs(import.meta.url, {
  options: {
    size: { type: 'string' },
    batch: { type: 'string' },
    steps: { type: 'string' },
    backend: { type: 'string', default: 'cpu' },
  },
});
const whole = { integer: true, min: 1 };
const size = scriptNumber(import.meta.url, 'size', values.size, 112, { integer: true, min: 16 });
const batch = scriptNumber(import.meta.url, 'batch', values.batch, 16, whole);
const steps = scriptNumber(import.meta.url, 'steps', values.steps, 3, whole);

/** Wraps backend.forward and backward to add each call's wall time to `times`, by pass and op. */
function timeOps(backend: Backend, times: Map<string, number>): void {
  for (const pass of ['forward', 'backward'] as const) {
    const call = backend[pass].bind(backend) as (op: string, ...rest: unknown[]) => never;
    (backend as unknown as Record<string, unknown>)[pass] = (op: string, ...rest: unknown[]) => {
      const started = performance.now();
      const out = call(op, ...rest);
      const key = `${op} ${pass}`;
      times.set(key, (times.get(key) ?? 0) + performance.now() - started);
      return out;
    };
  }
}

const backend = await createBackend(values.backend as BackendChoice, { notice: (line) => console.error(line) });
const perStep: Map<string, number>[] = [];
const totals: number[] = [];
const times = new Map<string, number>();
timeOps(backend, times);
const net = createNet(buildNet('light-cnn', { size }), backend, 1);
const sgd = new Sgd(net);
const x = backend.tensor([batch, 1, size, size], new Random(1).normals(batch * size * size));
const labels = Float32Array.from({ length: batch }, (_, i) => i % 2);
for (let step = 0; step <= steps; step++) {
  times.clear();
  const started = performance.now();
  await trainStep(net, sgd, x, labels, Float32Array.of(1, 1), { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 }, step);
  const ms = performance.now() - started;
  console.error(`step ${step}${step === 0 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms, ${(ms / batch).toFixed(1)} ms/image`);
  if (step > 0) {
    totals.push(ms);
    perStep.push(new Map(times));
  }
}
console.log(`light-cnn ${size}×${size}, batch ${batch}, ${backend.description}: median step ${median(totals).toFixed(0)} ms, ${(median(totals) / batch).toFixed(1)} ms/image`);
const keys = [...perStep[0].keys()].sort((a, b) => median(perStep.map((m) => m.get(b)!)) - median(perStep.map((m) => m.get(a)!)));
for (const key of keys) console.log(`${key.padEnd(36)} ${median(perStep.map((m) => m.get(key)!)).toFixed(1).padStart(9)} ms`);
sgd.dispose();
net.dispose();
backend.dispose();
