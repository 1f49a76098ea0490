import source from '../../../shaders/conv_transpose2d.wgsl?raw';
import { convTranspose2dBwd, convTranspose2dFwd } from '../cpu/conv-transpose2d.ts';
import { convTranspose2dBwdFast, convTranspose2dFwdFast } from '../cpu/conv-transpose2d-fast.ts';
import type { GpuContext, GpuTensor } from '../gpu/context.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, checkDims, checkEqual, fmt, spatialPair, type Shape } from '../shape.ts';
import {
  ACT_CODE, activateGpu, activateInPlace, activateTwin, withActivationGrad, activationGradGpu, activationGradTwin,
  activationModules, activationOf, type Activation,
} from './activation.ts';
import { channelSums, channelSumsModule } from './channel-sums-gpu.ts';
import { conv2dSources, conv2dWeightGrad, convTransposeGemm, gemm1x1 } from './conv2d-gpu.ts';

const OP = 'conv_transpose2d';

export interface ConvTranspose2dAttrs {
  stride?: number | readonly [number, number];
  pad?: number | readonly [number, number];
  /** Applied to the output: ELU (α = 1) or ReLU; none when absent. */
  activation?: Activation;
}

const act = (attrs: ConvTranspose2dAttrs) => activationOf(OP, attrs.activation);

/** Every size the loops of conv_transpose2d need, checked. */
export interface ConvTranspose2dGeometry {
  batch: number; cin: number; ih: number; iw: number;
  cout: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number;
  oh: number; ow: number;
}

/**
 * x [N,Cin,H,W], w [Cin,Cout,KH,KW] (PyTorch/ONNX ConvTranspose layout), b [Cout]
 * → y [N,Cout,(H-1)·sh - 2·ph + KH,(W-1)·sw - 2·pw + KW]. No output padding, groups or dilation.
 */
export function convTranspose2dGeometry(x: Shape, w: Shape, b: Shape, attrs: ConvTranspose2dAttrs): ConvTranspose2dGeometry {
  checkDims(OP, 'x', x, 4);
  checkDims(OP, 'w', w, 4);
  checkDims(OP, 'b', b, 1);
  const [batch, cin, ih, iw] = x;
  const [wcin, cout, kh, kw] = w;
  checkEqual(OP, `w ${fmt(w)} input channels (dim 0)`, wcin, cin);
  checkEqual(OP, `b ${fmt(b)} length`, b[0], cout);
  const [sh, sw] = spatialPair(OP, 'stride', attrs.stride ?? 1, 1);
  const [ph, pw] = spatialPair(OP, 'pad', attrs.pad ?? 0, 0);
  const oh = (ih - 1) * sh - 2 * ph + kh;
  const ow = (iw - 1) * sw - 2 * pw + kw;
  if (oh < 1 || ow < 1) {
    throw new ShapeError(OP, `x ${fmt(x)} with kernel ${kh}×${kw}, stride [${sh},${sw}], pad [${ph},${pw}] gives an empty ${oh}×${ow} output`);
  }
  return { batch, cin, ih, iw, cout, kh, kw, sh, sw, ph, pw, oh, ow };
}

/**
 * Kernel equal to stride and no padding (the light-cnn's upsample): each output pixel meets
 * exactly one input pixel, so with w as [Cin, R] (R = Cout·KH·KW rows (co, ky, kx)) and an image
 * as [Cin, P] (P = H·W) every pass is a GEMM on the conv2d 1×1 kernels:
 *   forward  y  = wᵀ·x, each sum stored (with bias and activation) at its output pixel by the GEMM
 *   backward dx = w·dyR,  dw = Σ_n x·dyRᵀ, where dyR = gather(dy) is dy as [R, P] per image.
 */
export const usesGemm = (g: ConvTranspose2dGeometry): boolean => g.kh === g.sh && g.kw === g.sw && g.ph === 0 && g.pw === 0;

const rowsOf = (geo: ConvTranspose2dGeometry) => geo.cout * geo.kh * geo.kw;

function gemmBackward(g: GpuContext, x: GpuTensor, w: GpuTensor, dy: GpuTensor, dx: GpuTensor | null, dw: GpuTensor | null,
  geo: ConvTranspose2dGeometry): void {
  const rows = rowsOf(geo);
  const dyRows = g.scratch([geo.batch, rows, geo.ih, geo.iw]);
  launch(g, 'conv_transpose2d_gather', { dy, dy_rows: dyRows }, geo, 0, geo.batch * rows * geo.ih * geo.iw);
  if (dx) gemm1x1(g, w, dyRows, dx, { n: geo.batch, q: rows, r: geo.cin, p: geo.ih * geo.iw, sr: rows, sq: 1 });
  // dw[ci, r] is the weight gradient of a 1×1 conv2d from dyR (R channels) to x (Cin channels)
  if (dw) conv2dWeightGrad(g, dyRows, x, dw, { n: geo.batch, c: rows, h: geo.ih, w: geo.iw, o: geo.cin, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, oh: geo.ih, ow: geo.iw });
}

const TILE = 4;
const blocks = (n: number) => Math.ceil(n / TILE);

/** Dispatches one entry; `tiles` is how many 4-wide tiles the entry's fastest axis has. */
function launch(g: GpuContext, entry: string, bindings: Record<string, GpuTensor>, geo: ConvTranspose2dGeometry, tiles: number, total: number): void {
  const { batch, cin, ih, iw, cout, oh, ow, kh, kw, sh, sw, ph, pw } = geo;
  const uniforms = { total, tiles, batch, cin, ih, iw, cout, oh, ow, kh, kw, sh, sw, ph, pw };
  g.run(source, entry, bindings, uniforms, { threads: total });
}

export const convTranspose2d = defineOp<ConvTranspose2dAttrs>({
  name: OP,
  kind: 'layer',
  inputs: ['x', 'w', 'b'],
  grads: [true, true, true],
  inferShapes: ([x, w, b], attrs) => {
    const g = convTranspose2dGeometry(x, w, b, attrs);
    return [[g.batch, g.cout, g.oh, g.ow]];
  },
  cpu: {
    fwd: ([x, w, b], attrs) => {
      const g = convTranspose2dGeometry(x.shape, w.shape, b.shape, attrs);
      return [host([g.batch, g.cout, g.oh, g.ow], activateTwin(convTranspose2dFwd(x.data, w.data, b.data, g), act(attrs)))];
    },
    bwd: ([x, w, b], _outputs, dy, attrs) => {
      const g = convTranspose2dGeometry(x.shape, w.shape, b.shape, attrs);
      // dz = dy · act′(z), with z recomputed
      const dz = act(attrs) ? activationGradTwin(convTranspose2dFwd(x.data, w.data, b.data, g), dy.data, act(attrs)) : dy.data;
      const { dx, dw, db } = convTranspose2dBwd(x.data, w.data, dz, g);
      return [host(x.shape, dx), host(w.shape, dw), host(b.shape, db)];
    },
  },
  cpuFast: {
    fwd: ([x, w, b], attrs) => {
      const g = convTranspose2dGeometry(x.shape, w.shape, b.shape, attrs);
      return [host([g.batch, g.cout, g.oh, g.ow], activateInPlace(convTranspose2dFwdFast(x.data, w.data, b.data, g), act(attrs)))];
    },
    bwd: ([x, w, b], [y], dy, attrs) => {
      const g = convTranspose2dGeometry(x.shape, w.shape, b.shape, attrs);
      const { dx, dw, db } = withActivationGrad(y.data as Float32Array, dy.data as Float32Array, act(attrs), (dz) => convTranspose2dBwdFast(x.data, w.data, dz, g));
      return [host(x.shape, dx), host(w.shape, dw), host(b.shape, db)];
    },
  },
  gpu: {
    modules: [
      { source, fwdEntries: ['conv_transpose2d_fwd'], bwdEntries: ['conv_transpose2d_gather', 'conv_transpose2d_bwd_input', 'conv_transpose2d_bwd_weight'] },
      channelSumsModule,
      { source: conv2dSources.pointwise, fwdEntries: ['conv_transpose2d_fwd_1x1'], bwdEntries: ['conv2d_bwd_input_1x1'] },
      { source: conv2dSources.pointwiseSubgroup, fwdEntries: ['conv_transpose2d_fwd_1x1_shared'], bwdEntries: ['conv2d_bwd_input_1x1_shared'] },
      { source: conv2dSources.pointwiseWeight, fwdEntries: [], bwdEntries: ['conv2d_bwd_weight_1x1'] },
      { source: conv2dSources.generic, fwdEntries: [], bwdEntries: ['conv2d_reduce_splits'] },
      ...activationModules,
    ],
    fwd: (g, [x, w, b], [y], attrs) => {
      const geo = convTranspose2dGeometry(x.shape, w.shape, b.shape, attrs);
      if (usesGemm(geo)) convTransposeGemm(g, x, w, b, y, act(attrs) ? ACT_CODE[act(attrs)!] : 0);
      else {
        // 4 output channels × 4 same-phase output columns (ox, ox+sw, ...) of one row; the activation as a pass after
        const z = act(attrs) ? g.scratch(y.shape) : y;
        const tiles = blocks(Math.ceil(geo.ow / geo.sw));
        launch(g, 'conv_transpose2d_fwd', { x, w, b, y: z }, geo, tiles, geo.batch * blocks(geo.cout) * geo.oh * geo.sw * tiles);
        if (z !== y) activateGpu(g, z, y, act(attrs)!);
      }
    },
    bwd: (g, [x, w, b], [y], dOut, [dx, dw, db], attrs) => {
      const geo = convTranspose2dGeometry(x.shape, w.shape, b.shape, attrs);
      const dy = activationGradGpu(g, y, dOut, act(attrs));
      if (usesGemm(geo)) gemmBackward(g, x, w, dy, dx, dw, geo);
      else {
        if (dx) {
          const tiles = blocks(geo.iw);
          launch(g, 'conv_transpose2d_bwd_input', { w, dy, dx }, geo, tiles, geo.batch * blocks(geo.cin) * geo.ih * tiles);
        }
        if (dw) launch(g, 'conv_transpose2d_bwd_weight', { x, dy, dw }, geo, 0, blocks(geo.cin) * blocks(geo.cout) * geo.kh * geo.kw);
      }
      if (db) channelSums(g, dy, db, { n: geo.batch, channels: geo.cout, first: 0, count: geo.cout, hw: geo.oh * geo.ow });
    },
  },
});
