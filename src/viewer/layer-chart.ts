import type { LayerTiming, TimingMethod } from '../nets/profile.ts';

export const TIMING_METHOD_TEXT: Record<TimingMethod, string> = {
  'cpu-wall': 'CPU wall time per layer',
  'gpu-timestamps': 'GPU time per layer, from timestamp queries',
  'gpu-sync-wall': 'wall time per layer with a GPU sync after each (this adapter has no timestamp queries)',
};

/** A bar per layer in execution order, its length relative to the slowest layer. */
export function renderLayerTimings(container: HTMLElement, layers: LayerTiming[], method: TimingMethod, backend: string): void {
  const slowest = Math.max(...layers.map((l) => l.ms), 1e-9);
  const total = layers.reduce((s, l) => s + l.ms, 0);
  const caption = document.createElement('caption');
  caption.textContent = `${TIMING_METHOD_TEXT[method]} on ${backend}: ${total.toFixed(1)} ms over ${layers.length} layers`;
  const table = document.createElement('table');
  table.className = 'layer-timings';
  table.dataset.method = method;
  table.append(caption);
  for (const layer of layers) {
    const row = table.insertRow();
    row.dataset.layer = layer.name;
    row.insertCell().textContent = layer.name;
    row.insertCell().textContent = layer.op;
    const bar = document.createElement('div');
    bar.className = `bar op-${layer.op}`;
    bar.style.width = `${((layer.ms / slowest) * 100).toFixed(1)}%`;
    row.insertCell().append(bar);
    const ms = row.insertCell();
    ms.className = 'ms';
    ms.textContent = layer.ms.toFixed(2);
  }
  container.replaceChildren(table);
}
