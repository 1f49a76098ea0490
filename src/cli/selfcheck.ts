/**
 * `npm run selfcheck`: runs every op case of the test suite on the chosen backend against
 * the CPU twin and prints, per op, the worst agreement and the median time of a forward +
 * backward pass on each backend.
 * Usage: npm run selfcheck -- [--backend webgpu|cpu|auto] [--filter TEXT] [--json]
 */
import { allOpCases } from '../../test/ops/all.cases.ts';
import { caseName, makeInputs, runOpCase, type OpCase } from '../../test/harness/op-case.ts';
import type { Backend } from '../runtime/backend.ts';
import { CpuBackend } from '../runtime/cpu/backend.ts';
import { createBackend, type BackendChoice } from '../runtime/create-backend.ts';
import { getOp } from '../runtime/registry.ts';
import { Random } from '../runtime/random.ts';
import { sizeOf } from '../runtime/shape.ts';
import { Progress } from './progress.ts';
import { scriptArgs } from './script-args.ts';

interface Row {
  op: string;
  cases: number;
  worst: number;
  where: string;
  ms: Record<string, number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeCase(backend: Backend, c: OpCase, reps = 3): Promise<number> {
  const op = getOp(c.op);
  const inputs = makeInputs(c, 1).map((d, i) => backend.tensor(c.inputs[i], d));
  const times: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const start = performance.now();
    const outputs = backend.forward(c.op, inputs, c.attrs);
    if (op.kind === 'layer') {
      const dy = backend.tensor(outputs[0].shape, new Random(2).normals(sizeOf(outputs[0].shape)));
      backend.backward(c.op, inputs, outputs, dy, c.attrs).forEach((g) => g?.dispose());
      dy.dispose();
    }
    await backend.sync();
    if (r > 0) times.push(performance.now() - start); // the first pass builds pipelines
    outputs.forEach((t) => t.dispose());
  }
  inputs.forEach((t) => t.dispose());
  return median(times);
}

async function main(): Promise<void> {
  const { values } = scriptArgs(import.meta.url, {
    options: { backend: { type: 'string', default: 'auto' }, filter: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const cases = allOpCases.filter((c) => !values.filter || caseName(c).includes(values.filter));
  if (!cases.length) throw new Error(`--filter "${values.filter}" names none of the ${allOpCases.length} op cases (such as ${caseName(allOpCases[0])})`);
  const backend = await createBackend(values.backend as BackendChoice);
  const cpu = backend.name === 'cpu' ? backend : new CpuBackend();
  const backends = backend === cpu ? [cpu] : [backend, cpu];
  console.error(`self-check of ${cases.length} op cases on ${backends.map((b) => b.description).join(' and ')}`);

  const rows = new Map<string, Row>();
  const progress = new Progress(cases.length);
  for (const c of cases) {
    const row = rows.get(c.op) ?? { op: c.op, cases: 0, worst: 0, where: '', ms: {} };
    rows.set(c.op, row);
    const result = await runOpCase(backend, c);
    row.cases++;
    if (result.worst > row.worst) Object.assign(row, { worst: result.worst, where: `${result.name}: ${result.where}` });
    for (const b of backends) row.ms[b.name] = (row.ms[b.name] ?? 0) + (await timeCase(b, c));
    progress.tick(caseName(c));
  }

  const table = [...rows.values()];
  const failed = table.filter((r) => !(r.worst <= 1));
  if (values.json) {
    console.log(JSON.stringify({ backend: backend.description, ops: table }, null, 2));
  } else {
    const names = backends.map((b) => b.name);
    console.log(['op'.padEnd(24), 'cases', 'worst err/tol', ...names.map((n) => `${n} ms`.padStart(12)), 'status'].join('  '));
    for (const r of table) {
      const times = names.map((n) => r.ms[n].toFixed(2).padStart(12));
      console.log([r.op.padEnd(24), String(r.cases).padStart(5), r.worst.toExponential(2).padStart(13), ...times, r.worst <= 1 ? 'ok' : 'FAIL'].join('  '));
    }
    console.log(`\ntimes: sum over the op's cases of the median forward+backward (update ops: forward only), after one warm-up pass`);
    for (const r of failed) console.log(`FAIL ${r.op}: ${r.where}`);
  }
  backends.forEach((b) => b.dispose());
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((err) => {
  console.error(`selfcheck: ${(err as Error).message}`);
  process.exitCode = 2;
});
