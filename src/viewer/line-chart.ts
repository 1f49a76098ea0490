const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 460;
const HEIGHT = 230;
const MARGIN = { left: 52, right: 12, top: 28, bottom: 36 };

export interface Series {
  name: string;
  colour: string;
  points: [number, number][];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  series: Series[];
  /** The y range to show at least, e.g. [0, 1] for accuracies. */
  yRange?: [number, number];
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** About five round tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi]. */
export function ticks(lo: number, hi: number): number[] {
  // A range within rounding of one value would take steps too small to move v.
  if (!(hi - lo > Math.max(Math.abs(lo), Math.abs(hi)) * 1e-9)) return [lo];
  const raw = (hi - lo) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A line chart as an SVG element: one polyline (and a dot per point) per series, with axes and a legend. */
export function lineChart({ title, xLabel, series, yRange }: LineChartOptions): SVGSVGElement {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  const [y0, y1] = [Math.min(...ys, yRange?.[0] ?? Infinity), Math.max(...ys, yRange?.[1] ?? -Infinity)];
  const yPad = y1 - y0 > Math.max(Math.abs(y0), Math.abs(y1)) * 1e-9 ? 0 : Math.abs(y0) * 0.1 || 1;
  const [lo, hi] = [y0 - yPad, y1 + yPad];
  const px = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * (WIDTH - MARGIN.left - MARGIN.right);
  const py = (y: number) => HEIGHT - MARGIN.bottom - ((y - lo) / (hi - lo)) * (HEIGHT - MARGIN.top - MARGIN.bottom);

  const svg = el('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'line-chart', role: 'img', 'aria-label': title });
  svg.append(el('text', { x: MARGIN.left, y: 16, class: 'chart-title' }, title));
  for (const t of ticks(lo, hi)) {
    svg.append(el('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: py(t), y2: py(t), class: 'grid' }));
    svg.append(el('text', { x: MARGIN.left - 6, y: py(t) + 4, class: 'tick', 'text-anchor': 'end' }, String(t)));
  }
  for (const t of ticks(x0, x1).filter(Number.isInteger)) {
    svg.append(el('text', { x: px(t), y: HEIGHT - MARGIN.bottom + 16, class: 'tick', 'text-anchor': 'middle' }, String(t)));
  }
  svg.append(el('text', { x: (MARGIN.left + WIDTH - MARGIN.right) / 2, y: HEIGHT - 4, class: 'axis-label', 'text-anchor': 'middle' }, xLabel));
  series.forEach((s, i) => {
    const points = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    svg.append(el('polyline', { points, fill: 'none', stroke: s.colour, 'stroke-width': 2, 'data-series': s.name }));
    for (const [x, y] of s.points) {
      const dot = el('circle', { cx: px(x), cy: py(y), r: 2.5, fill: s.colour });
      dot.append(el('title', {}, `${s.name}, ${xLabel} ${x}: ${y.toPrecision(4)}`));
      svg.append(dot);
    }
    const lx = WIDTH - MARGIN.right - 120 * (series.length - i);
    svg.append(el('rect', { x: lx, y: 8, width: 10, height: 10, fill: s.colour }));
    svg.append(el('text', { x: lx + 14, y: 17, class: 'legend' }, s.name));
  });
  return svg;
}
