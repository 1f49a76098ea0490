import type { BenchResults, CaseResult } from './bench-schema.ts';

const LABEL_WIDTH = 360;
const PLOT_WIDTH = 520;
const ROW = 18;
const TOP = 56;
const BOTTOM = 40;

/** A colour per implementation and backend, so the same kind reads the same in every group. */
const COLOURS: Readonly<Record<string, string>> = {
  'ours/webgpu': '#1f77b4',
  'ours/cpu': '#17becf',
  'ort-node/cpu': '#2ca02c',
  'ort-web/wasm': '#98df8a',
  'ort-web/webgpu': '#bcbd22',
  'tfjs/cpu': '#d62728',
  'tfjs/wasm': '#ff9896',
  'tfjs/webgpu': '#9467bd',
};

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Powers of ten spanning the timed medians (at least one decade). */
function decades(cases: CaseResult[]): [number, number] {
  const times = cases.flatMap((c) => (c.msPerImage ? [c.msPerImage.median] : []));
  if (times.length === 0) return [0, 1];
  const lo = Math.floor(Math.log10(Math.min(...times)));
  const hi = Math.ceil(Math.log10(Math.max(...times)));
  return [lo, Math.max(hi, lo + 1)];
}

/**
 * A horizontal bar chart: one bar per case (implementation, backend, batch), the median ms per
 * image on a log scale. Cases without a time get a grey "no time" marker and their reason.
 */
export function toSvg(r: BenchResults): string {
  const cases = r.cases;
  const [lo, hi] = decades(cases);
  const x = (msValue: number) => LABEL_WIDTH + ((Math.log10(msValue) - lo) / (hi - lo)) * PLOT_WIDTH;
  const height = TOP + cases.length * ROW + BOTTOM;
  const width = LABEL_WIDTH + PLOT_WIDTH + 140;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Per-image latency, ms (median, log scale; shorter is faster)</text>`,
    `<text x="10" y="38" fill="#555">${escapeXml(`${r.date} · ${r.machine.cpus} CPUs · load ${r.machine.loadAverage.map((l) => l.toFixed(1)).join(' ')}`)}</text>`,
  ];
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${TOP - 4}" x2="${gx}" y2="${height - BOTTOM + 4}" stroke="#ddd"/>`);
    parts.push(`<text x="${gx}" y="${height - BOTTOM + 18}" text-anchor="middle" fill="#555">${10 ** d >= 1 ? 10 ** d : (10 ** d).toFixed(-d)}</text>`);
  }
  cases.forEach((c, i) => {
    const y = TOP + i * ROW;
    const label = `${c.env} · ${c.impl} ${c.backend} · ${c.net} · ${c.mode} · batch ${c.batch}`;
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 12}" text-anchor="end">${escapeXml(label)}</text>`);
    if (c.msPerImage) {
      const w = Math.max(1, x(c.msPerImage.median) - LABEL_WIDTH).toFixed(1);
      const colour = COLOURS[`${c.impl}/${c.backend}`] ?? '#7f7f7f';
      parts.push(`<rect x="${LABEL_WIDTH}" y="${y + 2}" width="${w}" height="${ROW - 4}" fill="${colour}"><title>${escapeXml(`${label}: ${c.msPerImage.median.toFixed(1)} ms/image`)}</title></rect>`);
      parts.push(`<text x="${(LABEL_WIDTH + Number(w) + 4).toFixed(1)}" y="${y + 12}">${c.msPerImage.median.toFixed(1)}</text>`);
    } else {
      parts.push(`<text x="${LABEL_WIDTH + 4}" y="${y + 12}" fill="#999">no time: ${escapeXml((c.note ?? 'not run').slice(0, 90))}</text>`);
    }
  });
  parts.push(`<text x="${LABEL_WIDTH}" y="${height - 6}" fill="#555">ms per image</text>`, '</svg>', '');
  return parts.join('\n');
}
