import type { MaxPoolGeometry } from './maxpool.ts';
import { simdMaxpool } from './maxpool-simd.ts';
import { outputF32, parallelFor, sharedF32, toShared, type Task } from './parallel.ts';

// Max pool for the cpu backend's float32 tensors, in monomorphic loops over each window's
// in-image rows (padding is never a candidate), window bounds along x computed once per
// call; work items are groups of whole planes. Forward takes Math.max over the window:
// any NaN gives NaN as the twin's "first NaN wins" (a −0/0 tie gives 0, the same number). Backward sends dy to the window's first element equal to that
// output (the first NaN where it is NaN): the twin's first maximum, without a running best.
// The nets' pools (3×3, stride 2, unpadded) run as WebAssembly SIMD where it exists (maxpool-simd.ts).

const simd = simdMaxpool();
const simdFits = (g: MaxPoolGeometry) => simd !== null && g.kernel === 3 && g.stride === 2 && g.pad === 0;

/** Start (inclusive) and end (exclusive) in-image columns of each output column's window. */
function columnSpans(g: MaxPoolGeometry): Int32Array {
  const spans = new Int32Array(2 * g.ow);
  for (let ox = 0; ox < g.ow; ox++) {
    spans[2 * ox] = Math.max(ox * g.stride - g.pad, 0);
    spans[2 * ox + 1] = Math.min(ox * g.stride - g.pad + g.kernel, g.w);
  }
  return spans;
}

/** Planes per work item: about 16 Ki input values. */
const planesPerItem = (g: MaxPoolGeometry) => Math.max(1, Math.floor(16384 / (g.h * g.w)));
const items = (g: MaxPoolGeometry) => Math.ceil((g.n * g.c) / planesPerItem(g));

interface Args { x: Float32Array; y: Float32Array; spans: Int32Array; g: MaxPoolGeometry; dy?: Float32Array; dx?: Float32Array }

export const maxpoolFwdTask: Task<Args> = {
  name: 'maxpool.fwd',
  run({ x, y, spans, g }, item) {
    const { h: H, w: W, oh: OH, ow: OW, kernel, stride, pad } = g;
    const nc1 = Math.min(g.n * g.c, (item + 1) * planesPerItem(g));
    if (simdFits(g)) {
      for (let nc = item * planesPerItem(g); nc < nc1; nc++) simd!.pool(x, nc * H * W, y, nc * OH * OW, g);
      return;
    }
    // 3×3 windows wholly inside the image: the nine loads straight-line.
    const full3 = kernel === 3;
    for (let nc = item * planesPerItem(g), out = nc * OH * OW; nc < nc1; nc++) {
      const plane = nc * H * W;
      for (let oy = 0; oy < OH; oy++) {
        const r0 = plane + Math.max(oy * stride - pad, 0) * W;
        const r1 = plane + Math.min(oy * stride - pad + kernel, H) * W;
        for (let ox = 0; ox < OW; ox++, out++) {
          const x0 = spans[2 * ox];
          const x1 = spans[2 * ox + 1];
          if (full3 && x1 - x0 === 3 && r1 - r0 === 3 * W) {
            const a = r0 + x0, b = a + W, c = b + W;
            y[out] = Math.max(x[a], x[a + 1], x[a + 2], x[b], x[b + 1], x[b + 2], x[c], x[c + 1], x[c + 2]);
            continue;
          }
          let m = -Infinity;
          for (let row = r0; row < r1; row += W) {
            for (let at = row + x0; at < row + x1; at++) m = Math.max(m, x[at]);
          }
          y[out] = m;
        }
      }
    }
  },
};

export function maxpoolFwdFast(x: Float32Array, g: MaxPoolGeometry): Float32Array {
  const args = { x: toShared(x), y: outputF32(g.n * g.c * g.oh * g.ow), spans: columnSpans(g), g };
  parallelFor(maxpoolFwdTask, args, items(g));
  return args.y;
}

export const maxpoolBwdTask: Task<Required<Args>> = {
  name: 'maxpool.bwd',
  run({ x, y, dy, dx, spans, g }, item) {
    const { h: H, w: W, oh: OH, ow: OW, kernel, stride, pad } = g;
    const nc1 = Math.min(g.n * g.c, (item + 1) * planesPerItem(g));
    if (simdFits(g)) {
      for (let nc = item * planesPerItem(g); nc < nc1; nc++) simd!.scatter(x, nc * H * W, dy, nc * OH * OW, dx, g);
      return;
    }
    for (let nc = item * planesPerItem(g), out = nc * OH * OW; nc < nc1; nc++) {
      const plane = nc * H * W;
      for (let oy = 0; oy < OH; oy++) {
        const r0 = plane + Math.max(oy * stride - pad, 0) * W;
        const r1 = plane + Math.min(oy * stride - pad + kernel, H) * W;
        for (let ox = 0; ox < OW; ox++, out++) {
          const x0 = spans[2 * ox];
          const x1 = spans[2 * ox + 1];
          const m = y[out];
          const nan = m !== m;
          let found = -1;
          for (let row = r0; row < r1 && found < 0; row += W) {
            for (let at = row + x0; at < row + x1; at++) {
              const v = x[at];
              if (v === m || (nan && v !== v)) {
                found = at;
                break;
              }
            }
          }
          dx[found] += dy[out];
        }
      }
    }
  },
};

/** dx for dy, given the forward output y of the same x. */
export function maxpoolBwdFast(x: Float32Array, y: Float32Array, dy: Float32Array, g: MaxPoolGeometry): Float32Array {
  const args = { x: toShared(x), y: toShared(y), dy: toShared(dy), dx: sharedF32(x.length), spans: columnSpans(g), g };
  parallelFor(maxpoolBwdTask, args, items(g));
  return args.dx;
}
