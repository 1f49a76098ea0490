/** A blue → cyan → yellow → red ramp for t in [0, 1], as RGB 0–255: how CAM overlays are coloured in the CLI and the viewer. */
export function heatColour(t: number): [number, number, number] {
  const stops: [number, number, number][] = [[0, 0, 160], [0, 200, 255], [255, 230, 0], [220, 0, 0]];
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  return [0, 1, 2].map((c) => stops[i][c] * (1 - f) + stops[i + 1][c] * f) as [number, number, number];
}
