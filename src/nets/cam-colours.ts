import { upsampleBilinear } from './cam.ts';

/** A blue → cyan → yellow → red ramp for t in [0, 1], as RGB 0–255: how CAM overlays are coloured in the CLI and the viewer. */
export function heatColour(t: number): [number, number, number] {
  const stops: [number, number, number][] = [[0, 0, 160], [0, 200, 255], [255, 230, 0], [220, 0, 0]];
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  return [0, 1, 2].map((c) => stops[i][c] * (1 - f) + stops[i + 1][c] * f) as [number, number, number];
}

/** One map (camHeight × camWidth) upsampled bilinearly to width × height and min–max scaled to [0, 1]. */
export function scaledCam(cam: Float32Array, camHeight: number, camWidth: number, width: number, height: number): Float32Array {
  const map = upsampleBilinear(cam, 1, camHeight, camWidth, height, width);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of map) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range = hi > lo ? hi - lo : 1;
  for (let i = 0; i < map.length; i++) map[i] = (map[i] - lo) / range;
  return map;
}
