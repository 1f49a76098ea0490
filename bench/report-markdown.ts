import type { BenchResults, CaseResult } from './bench-schema.ts';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const loads = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');
const adapterNotes = (a: { isSoftware: boolean; fourLaneSubgroups: boolean }) =>
  [a.isSoftware && 'software', a.fourLaneSubgroups && 'our kernels share loads across 4-lane subgroups'].filter(Boolean).map((n) => ` (${n})`).join('');

/** Busy when the 1-minute load average reaches half the cores: then figures run long and only compare within one run. */
export function machineWasBusy(r: BenchResults): boolean {
  const peak = Math.max(r.machine.loadAverage[0] ?? 0, r.machine.loadAverageAtEnd[0] ?? 0);
  return peak >= r.machine.cpus / 2;
}

function row(c: CaseResult): string {
  const t = c.msPerImage;
  const cells = [
    c.env,
    c.impl,
    c.backend,
    c.net,
    c.mode,
    String(c.batch),
    t ? ms(t.median) : '—',
    t ? `${ms(t.min)}–${ms(t.max)}` : '—',
    c.imagesPerSec === null ? '—' : c.imagesPerSec.toFixed(2),
    c.peakGpuBytes === null ? '—' : (c.peakGpuBytes / 2 ** 20).toFixed(1),
    c.maxAbsDiffVsOurs === null ? '—' : c.maxAbsDiffVsOurs.toExponential(1),
    String(c.repeats),
    c.firstRunMs == null ? '—' : ms(c.firstRunMs),
    (c.note ?? '').replace(/\|/g, '\\|'),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** The results as a Markdown page: how and where they were taken, then one table row per case. */
export function toMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `# Benchmark ${r.date}`,
    '',
    `Command: \`${r.command}\``,
    '',
    `- Machine: ${m.cpus} × ${m.model}; Node ${m.node}; ${m.chromium ? `Chromium ${m.chromium}` : 'Chromium not run'}.`,
    `- Load average (1 / 5 / 15 min): ${loads(m.loadAverage)} at the start, ${loads(m.loadAverageAtEnd)} at the end.` +
      (machineWasBusy(r) ? ' **The machine was busy with other work: these figures run long; compare only figures of this run.**' : ''),
    `- WebGPU adapter: Node ${r.adapter.name ?? 'not used'}${adapterNotes(r.adapter)}; ` +
      `Chromium ${r.adapter.chromium ? `${r.adapter.chromium.name ?? 'none'}${adapterNotes(r.adapter.chromium)}` : 'not run'}.`,
    '- ms/image is the time of one whole batch (upload, compute, read back; a training step for mode train) divided by the batch,',
    '  median and range over the timed repeats after a warm-up. Every output was checked against our CPU backend first:',
    '  a case whose class probabilities differ by more than 1e-3 has no time. First run: the whole first batch after the case\'s setup,',
    '  paying what warm runs reuse (buffers, lazily compiled kernels; pipelines where no earlier case on that backend made them).',
    '',
    '| env | impl | backend | net | mode | batch | ms/image (median) | min–max | images/s | peak GPU MiB | max abs Δp vs ours | repeats | first run, ms | note |',
    '|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...r.cases.map(row),
    '',
  ];
  return lines.join('\n');
}
