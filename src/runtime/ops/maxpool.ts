import source from '../../../shaders/maxpool.wgsl?raw';
import source3x3s2 from '../../../shaders/maxpool-3x3s2.wgsl?raw';
import { maxpoolBwd, maxpoolFwd, type MaxPoolGeometry } from '../cpu/maxpool.ts';
import { maxpoolBwdFast, maxpoolFwdFast } from '../cpu/maxpool-fast.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, checkDims, checkPositiveInt, fmt, type Shape } from '../shape.ts';

/** Max pool over square windows; windows never include padding positions. */
export interface MaxPoolAttrs {
  kernel: number;
  stride: number;
  pad?: number;
  /** PyTorch's ceil_mode: keep a last, partial window as long as it starts inside the image or left padding. */
  ceilMode: boolean;
}

/** Output length of one spatial axis, as PyTorch's max_pool2d computes it. */
export function pooledLength(len: number, kernel: number, stride: number, pad: number, ceilMode: boolean): number {
  const span = len + 2 * pad - kernel;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  // A ceil-mode window that would start past the image and its left/top padding is dropped.
  if (ceilMode && (out - 1) * stride >= len + pad) out--;
  return out;
}

export function maxpoolGeometry(x: Shape, attrs: MaxPoolAttrs): MaxPoolGeometry {
  const { kernel, stride, pad = 0, ceilMode } = attrs;
  checkDims('maxpool', 'x', x, 4);
  checkPositiveInt('maxpool', 'kernel', kernel);
  checkPositiveInt('maxpool', 'stride', stride);
  checkPositiveInt('maxpool', 'pad', pad, 0);
  if (typeof ceilMode !== 'boolean') throw new ShapeError('maxpool', `ceilMode must be true or false, got ${String(ceilMode)}`);
  if (2 * pad > kernel) throw new ShapeError('maxpool', `pad ${pad} must be at most half of kernel ${kernel}`);
  const [n, c, h, w] = x;
  if (Math.min(h, w) + 2 * pad < kernel) {
    throw new ShapeError('maxpool', `x ${fmt(x)} is smaller than kernel ${kernel}: H=${h}, W=${w} with pad ${pad}`);
  }
  const oh = pooledLength(h, kernel, stride, pad, ceilMode);
  const ow = pooledLength(w, kernel, stride, pad, ceilMode);
  return { n, c, h, w, oh, ow, kernel, stride, pad };
}

const uniforms = (g: MaxPoolGeometry, total: number) => ({
  total, h: g.h, w: g.w, oh: g.oh, ow: g.ow, kernel: g.kernel, stride: g.stride, pad: g.pad,
});

const isNetPool = (g: MaxPoolGeometry) => g.kernel === 3 && g.stride === 2;
const outputs = (g: MaxPoolGeometry) => g.n * g.c * g.oh * g.ow;
/** Invocations of the 3×3 stride-2 kernels' tiles of 2 output rows × 4 columns. */
const tiles = (g: MaxPoolGeometry) => g.n * g.c * Math.ceil(g.oh / 2) * Math.ceil(g.ow / 4);

export const maxpool = defineOp<MaxPoolAttrs>({
  name: 'maxpool',
  kind: 'layer',
  inputs: ['x'],
  grads: [true],
  inferShapes: ([x], attrs) => {
    const g = maxpoolGeometry(x, attrs);
    return [[g.n, g.c, g.oh, g.ow]];
  },
  cpu: {
    fwd: ([x], attrs) => {
      const g = maxpoolGeometry(x.shape, attrs);
      return [host([g.n, g.c, g.oh, g.ow], maxpoolFwd(x.data, g))];
    },
    bwd: ([x], _outputs, dy, attrs) => [host(x.shape, maxpoolBwd(x.data, dy.data, maxpoolGeometry(x.shape, attrs)))],
  },
  cpuFast: {
    fwd: ([x], attrs) => {
      const g = maxpoolGeometry(x.shape, attrs);
      return [host([g.n, g.c, g.oh, g.ow], maxpoolFwdFast(x.data as Float32Array, g))];
    },
    bwd: ([x], [y], dy, attrs) => [
      host(x.shape, maxpoolBwdFast(x.data as Float32Array, y.data as Float32Array, dy.data as Float32Array, maxpoolGeometry(x.shape, attrs))),
    ],
  },
  gpu: {
    modules: [
      { source, fwdEntries: ['maxpool_fwd'], bwdEntries: ['maxpool_argmax', 'maxpool_bwd'] },
      { source: source3x3s2, fwdEntries: ['maxpool_fwd_3x3s2'], bwdEntries: ['maxpool_argmax_3x3s2', 'maxpool_bwd_3x3s2'] },
    ],
    fwd: (gpu, [x], [y], attrs) => {
      const g = maxpoolGeometry(x.shape, attrs);
      if (isNetPool(g)) gpu.run(source3x3s2, 'maxpool_fwd_3x3s2', { x, y }, uniforms(g, tiles(g)), { threads: tiles(g) });
      else gpu.run(source, 'maxpool_fwd', { x, y }, uniforms(g, outputs(g)), { threads: outputs(g) });
    },
    bwd: (gpu, [x], _outputs, dy, [dx], attrs) => {
      // each window's argmax once, then each input gathers dy from the windows it is the argmax of
      const g = maxpoolGeometry(x.shape, attrs);
      const arg = gpu.scratch([g.n, g.c, g.oh, g.ow]);
      if (isNetPool(g)) {
        gpu.run(source3x3s2, 'maxpool_argmax_3x3s2', { x, arg }, uniforms(g, tiles(g)), { threads: tiles(g) });
        // 2 × 2 inputs per invocation
        const blocks = g.n * g.c * Math.ceil((g.h + g.pad) / 2) * Math.ceil((g.w + g.pad) / 2);
        gpu.run(source3x3s2, 'maxpool_bwd_3x3s2', { arg, dy, dx: dx! }, uniforms(g, blocks), { threads: blocks });
        return;
      }
      gpu.run(source, 'maxpool_argmax', { x, arg }, uniforms(g, outputs(g)), { threads: outputs(g) });
      const inputs = g.n * g.c * g.h * g.w;
      gpu.run(source, 'maxpool_bwd', { arg, dy, dx: dx! }, uniforms(g, inputs), { threads: inputs });
    },
  },
});
