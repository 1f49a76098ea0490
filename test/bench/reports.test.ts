import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/bench-schema.ts';
import { machineWasBusy, toMarkdown } from '../../bench/report-markdown.ts';
import { toSvg } from '../../bench/report-svg.ts';
import { benchCase } from '../harness/bench-case.ts';

const RESULTS: BenchResults = {
  date: '2025-06-01T19:00:00.000Z',
  command: 'npm run bench -- --quick',
  machine: { cpus: 2, model: 'AMD EPYC', loadAverage: [1.5, 1.2, 1], loadAverageAtEnd: [0.5, 0.5, 0.5], node: 'v20.20.2', chromium: 'Chrome/156.0' },
  adapter: { name: 'SwiftShader', isSoftware: true, fourLaneSubgroups: true, chromium: { name: 'google swiftshader', isSoftware: true, fourLaneSubgroups: false } },
  cases: [
    benchCase({}),
    benchCase({ impl: 'ort-node', backend: 'cpu', batch: 8, msPerImage: { median: 10, min: 9.5, max: 12 }, imagesPerSec: 100, peakGpuBytes: null, firstRunMs: 1234 }),
    benchCase({ impl: 'tfjs', backend: 'wasm', env: 'chromium', msPerImage: null, imagesPerSec: null, peakGpuBytes: null, maxAbsDiffVsOurs: 0.02, repeats: 0, firstRunMs: null, note: 'output disagrees <here> | twice' }),
  ],
};

describe('toMarkdown', () => {
  const md = toMarkdown(RESULTS);
  const rows = md.split('\n').filter((l) => l.startsWith('| '));

  it('has a header and one row per case with formatted figures', () => {
    expect(rows.length).toBe(1 + RESULTS.cases.length);
    // results from before the first run was recorded show none
    expect(rows[1]).toBe('| node | ours | webgpu | light-cnn | infer | 1 | 1000 | 950–1235 | 1.00 | 3.0 | 2.5e-7 | 3 | — |  |');
    expect(rows[2]).toBe('| node | ort-node | cpu | light-cnn | infer | 8 | 10.0 | 9.50–12.0 | 100.00 | — | 2.5e-7 | 3 | 1234 |  |');
    // A case without a time keeps its difference and reason; a | in the reason does not split the cell.
    expect(rows[3]).toBe('| chromium | tfjs | wasm | light-cnn | infer | 1 | — | — | — | — | 2.0e-2 | 0 | — | output disagrees <here> \\| twice |');
  });

  it('states the command, the machine and the load average, and flags a busy machine', () => {
    expect(md).toContain('Command: `npm run bench -- --quick`');
    expect(md).toContain('1.50 / 1.20 / 1.00 at the start, 0.50 / 0.50 / 0.50 at the end.');
    expect(machineWasBusy(RESULTS)).toBe(true);
    expect(md).toContain('The machine was busy');
    const idle = { ...RESULTS, machine: { ...RESULTS.machine, loadAverage: [0.2, 0.2, 0.2] } };
    expect(machineWasBusy(idle)).toBe(false);
    expect(toMarkdown(idle)).not.toContain('The machine was busy');
  });

  it('says which adapters ran the subgroup kernels', () => {
    expect(md).toContain('Node SwiftShader (software) (our kernels share loads across 4-lane subgroups); Chromium google swiftshader (software).');
  });
});

describe('toSvg', () => {
  const svg = toSvg(RESULTS);

  it('draws one bar per timed case, its length the log of the median over the decades spanned', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const bars = [...svg.matchAll(/<rect x="360" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    // Medians 1000 and 10 span the decades 10..1000: 1000 ms reaches the end (520 px), 10 ms the start (1 px minimum).
    expect(bars).toEqual([520, 1]);
    expect(svg).toContain('>1000<');
    expect(svg).toContain('>10<');
  });

  it('marks a case without a time and escapes its reason', () => {
    expect(svg).toContain('no time: output disagrees &lt;here&gt; | twice');
    expect(svg).not.toContain('<here>');
  });
});
