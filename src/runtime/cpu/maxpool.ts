import { zerosLike, type Arr } from '../host-tensor.ts';

/** Everything the max-pool loops need; built by maxpoolGeometry in ops/maxpool.ts. */
export interface MaxPoolGeometry {
  n: number; c: number; h: number; w: number;
  oh: number; ow: number;
  kernel: number; stride: number; pad: number;
}

/**
 * Index within its H×W plane of the first maximum of window (oy, ox): the window is
 * scanned row-major over in-image positions only (padding is never a candidate).
 * The first NaN is the maximum, so NaN propagates.
 */
export function windowArgmax(x: Arr, plane: number, oy: number, ox: number, g: MaxPoolGeometry): number {
  const y0 = oy * g.stride - g.pad;
  const x0 = ox * g.stride - g.pad;
  let bestAt = -1;
  let best = NaN;
  for (let iy = Math.max(y0, 0); iy < Math.min(y0 + g.kernel, g.h); iy++) {
    for (let ix = Math.max(x0, 0); ix < Math.min(x0 + g.kernel, g.w); ix++) {
      const at = iy * g.w + ix;
      const v = x[plane + at];
      if (bestAt < 0 || (!Number.isNaN(best) && (v > best || Number.isNaN(v)))) {
        best = v;
        bestAt = at;
      }
    }
  }
  return bestAt;
}

export function maxpoolFwd(x: Arr, g: MaxPoolGeometry): Arr {
  const y = zerosLike(x, g.n * g.c * g.oh * g.ow);
  for (let nc = 0; nc < g.n * g.c; nc++) {
    const plane = nc * g.h * g.w;
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++) {
        y[(nc * g.oh + oy) * g.ow + ox] = x[plane + windowArgmax(x, plane, oy, ox, g)];
      }
    }
  }
  return y;
}

/** Scatter form: each window sends its dy to its argmax. */
export function maxpoolBwd(x: Arr, dy: Arr, g: MaxPoolGeometry): Arr {
  const dx = zerosLike(x, x.length);
  for (let nc = 0; nc < g.n * g.c; nc++) {
    const plane = nc * g.h * g.w;
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++) {
        dx[plane + windowArgmax(x, plane, oy, ox, g)] += dy[(nc * g.oh + oy) * g.ow + ox];
      }
    }
  }
  return dx;
}
