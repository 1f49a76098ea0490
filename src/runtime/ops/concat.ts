import source from '../../../shaders/concat.wgsl?raw';
import { concatBwd, concatFwd } from '../cpu/concat.ts';
import { concatBwdFast, concatFwdFast } from '../cpu/concat-fast.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, checkDims, fmt, type Shape } from '../shape.ts';

/** The most inputs one concat takes; the net needs two. */
export const MAX_CONCAT_INPUTS = 32;

interface ConcatGeometry { n: number; h: number; w: number; channels: number[]; total: number }

export function concatGeometry(xs: readonly Shape[]): ConcatGeometry {
  if (xs.length < 1 || xs.length > MAX_CONCAT_INPUTS) {
    throw new ShapeError('concat', `expects 1 to ${MAX_CONCAT_INPUTS} inputs, got ${xs.length}`);
  }
  xs.forEach((s, k) => checkDims('concat', `x${k}`, s, 4));
  const [n, , h, w] = xs[0];
  xs.forEach((s, k) => {
    if (s[0] !== n || s[2] !== h || s[3] !== w) {
      throw new ShapeError('concat', `x${k} ${fmt(s)} must match x0 ${fmt(xs[0])} in N, H and W (N=${n}, H=${h}, W=${w})`);
    }
  });
  const channels = xs.map((s) => s[1]);
  return { n, h, w, channels, total: channels.reduce((a, b) => a + b, 0) };
}

/** Channel concat of 1 to MAX_CONCAT_INPUTS NCHW tensors: [N,Ci,H,W]… → [N,ΣCi,H,W]. */
export const concat = defineOp<object>({
  name: 'concat',
  kind: 'layer',
  inputs: Array.from({ length: MAX_CONCAT_INPUTS }, (_, k) => `x${k}`),
  minInputs: 1,
  grads: Array.from({ length: MAX_CONCAT_INPUTS }, () => true),
  inferShapes: (xs) => {
    const g = concatGeometry(xs);
    return [[g.n, g.total, g.h, g.w]];
  },
  cpu: {
    fwd: (xs) => {
      const g = concatGeometry(xs.map((x) => x.shape));
      return [host([g.n, g.total, g.h, g.w], concatFwd(xs.map((x) => x.data), g.channels, g.n, g.h * g.w))];
    },
    bwd: (xs, _outputs, dy) => {
      const g = concatGeometry(xs.map((x) => x.shape));
      return concatBwd(dy.data, g.channels, g.n, g.h * g.w).map((d, k) => host(xs[k].shape, d));
    },
  },
  cpuFast: {
    fwd: (xs) => {
      const g = concatGeometry(xs.map((x) => x.shape));
      return [host([g.n, g.total, g.h, g.w], concatFwdFast(xs.map((x) => x.data), g.channels, g.n, g.h * g.w))];
    },
    bwd: (xs, _outputs, dy) => {
      const g = concatGeometry(xs.map((x) => x.shape));
      return concatBwdFast(dy.data, g.channels, g.n, g.h * g.w).map((d, k) => host(xs[k].shape, d));
    },
  },
  gpu: {
    modules: [{ source, fwdEntries: ['concat_fwd'], bwdEntries: ['concat_bwd'] }],
    fwd: (gpu, xs, [y]) => {
      const g = concatGeometry(xs.map((x) => x.shape));
      const copies = copiesFit(g);
      forEachSlice(g, (k, s) => {
        if (!copies) return gpu.run(source, 'concat_fwd', { x: xs[k], y }, s, { threads: s.total });
        for (let n = 0; n < g.n; n++) gpu.copy(xs[k], n * s.inner, y, n * s.outer + s.offset, s.inner);
      });
    },
    bwd: (gpu, xs, _outputs, dy, dxs) => {
      const g = concatGeometry(xs.map((x) => x.shape));
      const copies = copiesFit(g);
      forEachSlice(g, (k, s) => {
        const dx = dxs[k];
        if (!dx) return;
        if (!copies) return gpu.run(source, 'concat_bwd', { dy, dx }, s, { threads: s.total });
        for (let n = 0; n < g.n; n++) gpu.copy(dy, n * s.outer + s.offset, dx, n * s.inner, s.inner);
      });
    },
  },
});

// An input's slice of one output image is contiguous (NCHW), so a concat is N·inputs buffer copies:
// far cheaper than a shader on SwiftShader, where a copy is a memcpy. Past this many, one dispatch per input.
const MAX_COPIES = 16;
const copiesFit = (g: ConcatGeometry) => g.n * g.channels.length <= MAX_COPIES;

type Slice = { total: number; inner: number; outer: number; offset: number };

/** The uniforms of each input's channel slice (see SliceParams in shaders/concat.wgsl). */
function forEachSlice(g: ConcatGeometry, visit: (k: number, slice: Slice) => void): void {
  const hw = g.h * g.w;
  let first = 0;
  g.channels.forEach((ck, k) => {
    visit(k, { total: g.n * ck * hw, inner: ck * hw, outer: g.total * hw, offset: first * hw });
    first += ck;
  });
}
