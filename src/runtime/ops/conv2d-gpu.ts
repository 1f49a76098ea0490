import generic from '../../../shaders/conv2d.wgsl?raw';
import pointwise from '../../../shaders/conv2d-1x1.wgsl?raw';
import pointwiseShared from '../../../shaders/conv2d-1x1-subgroup.wgsl?raw';
import pointwiseWeight from '../../../shaders/conv2d-1x1-weight.wgsl?raw';
import threeByThree from '../../../shaders/conv2d-3x3.wgsl?raw';
import threeByThreeShared from '../../../shaders/conv2d-3x3-subgroup.wgsl?raw';
import threeByThreeWeight from '../../../shaders/conv2d-3x3-weight.wgsl?raw';
import subgroupCommon from '../../../shaders/subgroup-common.wgsl?raw';
import type { GpuContext, GpuTensor } from '../gpu/context.ts';
import { ACT_CODE, activateGpu, type Activation } from './activation.ts';
import { isPointwise, type Conv2dGeometry } from './conv2d-shapes.ts';
import { channelSums } from './channel-sums-gpu.ts';

// Which WGSL kernels run a conv2d: 1×1 convolutions with stride 1 and no padding are
// GEMMs (shaders/conv2d-1x1.wgsl, the weight gradient in conv2d-1x1-weight.wgsl), 3×3 ones
// with stride 1 (forward also stride 2) reuse each input row for three taps
// (shaders/conv2d-3x3.wgsl, the weight gradient in conv2d-3x3-weight.wgsl); everything else
// runs the generic implicit-GEMM kernels of shaders/conv2d.wgsl. Where the device's subgroups
// are 4 consecutive lanes (SwiftShader), the 1×1 kernels share their pixel loads and the 3×3
// ones their weight loads across a subgroup (the *-subgroup.wgsl files).

const withSubgroups = (base: string, shared: string) => `enable subgroups;\n${base}\n${subgroupCommon}\n${shared}`;
const pointwiseSubgroup = withSubgroups(pointwise, pointwiseShared);
const threeByThreeSubgroup = withSubgroups(threeByThree, threeByThreeShared);
export const conv2dSources = { generic, pointwise, pointwiseSubgroup, pointwiseWeight, threeByThree, threeByThreeSubgroup, threeByThreeWeight };

/**
 * Where the 1×1 and 3×3 kernels read and write in bigger tensors (fire_expand): y or dy is
 * channels [first, first + O) of a tensor with `channels` channels, and `act` is applied to
 * what is stored (0 none, 1 ReLU, 2 ELU with α = 1; 3 adds it to what the buffer holds).
 */
export interface Slice { channels: number; first: number; act: number }

const whole = (channels: number): Slice => ({ channels, first: 0, act: 0 });

const quads = (n: number) => Math.ceil(n / 4);
const octets = (n: number) => Math.ceil(n / 8);
/**
 * Runs a 1×1 kernel entry over the GEMM of u (n images, r channels produced, p pixels), one invocation per
 * 8 channels × 16 pixels; where 4-lane subgroups take 4 octets of the r channels each, its
 * pixel-sharing twin, 8 channels × 32 pixels.
 */
function runPointwise(g: GpuContext, entry: string, bindings: Record<string, GpuTensor>, u: { n: number; r: number; p: number } & Record<string, number>): void {
  const shared = g.fourLaneSubgroups && octets(u.r) % 4 === 0;
  const tiles = u.n * octets(u.r) * Math.ceil(u.p / (shared ? 32 : 16));
  g.run(shared ? pointwiseSubgroup : pointwise, shared ? `${entry}_shared` : entry, bindings, { ...u, tiles }, { threads: tiles });
}

/** Invocations of the 3×3 kernels per image and channel octet: 16 pixels of a row each, or of two rows padded to a multiple of 4 for the shared entries. */
const threeByThreeRowTiles = (oh: number, ow: number, shared: boolean) => (shared ? quads(Math.ceil(oh / 2) * Math.ceil(ow / 16)) * 4 : oh * Math.ceil(ow / 16));

export const is3x3Stride1 = (g: Conv2dGeometry) => g.kh === 3 && g.kw === 3 && g.sh === 1 && g.sw === 1;
const is3x3Stride2 = (g: Conv2dGeometry) => g.kh === 3 && g.kw === 3 && g.sh === 2 && g.sw === 2;

/** The `Conv` uniform block of shaders/conv2d.wgsl. */
function convUniforms(g: Conv2dGeometry, tiles: number, chunk = 0): Record<string, number> {
  const { n, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw } = g;
  return { n, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, tiles, chunk };
}

// The weight gradient has few outputs (O·C·KH·KW) and a long sum (N·OH·OW
// pixels): the sum is cut into splits so that about this many invocations
// share it, each split no shorter than MIN_SPLIT pixels; a second pass adds
// the splits' partial sums.
const WEIGHT_GRAD_INVOCATIONS = 8192;
const MIN_SPLIT = 128;

/** Splits `steps` steps of `pixelsPerStep` pixels among invocations of `tiles` tiles each. */
function splitSum(tiles: number, steps: number, pixelsPerStep: number): { chunk: number; splits: number } {
  const wanted = Math.ceil(WEIGHT_GRAD_INVOCATIONS / tiles);
  const most = Math.max(1, Math.floor((steps * pixelsPerStep) / MIN_SPLIT));
  const chunk = Math.ceil(steps / Math.min(wanted, most));
  return { chunk, splits: Math.ceil(steps / chunk) };
}

/** Runs a weight-gradient entry over `splits` partial sums, then adds them into dw. */
function splitWeightGrad(g: GpuContext, source: string, entry: string, bindings: Record<string, GpuTensor>, dw: GpuTensor,
  splits: number, uniforms: Record<string, number>): void {
  const threads = uniforms.tiles;
  if (splits === 1) {
    g.run(source, entry, { ...bindings, dw }, uniforms, { threads });
    return;
  }
  const count = dw.shape.reduce((a, b) => a * b, 1);
  const part = g.scratch([splits, count]);
  g.run(source, entry, { ...bindings, dw: part }, uniforms, { threads });
  g.run(generic, 'conv2d_reduce_splits', { part, dw }, { count, splits }, { threads: count });
}

/** The slice uniforms of the 1×1 and 3×3 kernels: src channels [s0, s0 + q) of sc, dst [d0, d0 + r) of dc. */
const sliceUniforms = (src: Slice, dst: Slice) => ({ sc: src.channels, s0: src.first, dc: dst.channels, d0: dst.first, act: dst.act });
/** Gemm's kernel and width uniforms (shaders/conv2d-1x1.wgsl), which only conv_transpose2d_fwd_1x1 reads. */
const plainStore = (p: number) => ({ kh: 1, kw: 1, iw: p });

export function conv2dForward(g: GpuContext, x: GpuTensor, w: GpuTensor, b: GpuTensor, y: GpuTensor, geo: Conv2dGeometry,
  out: Slice = whole(geo.o)): void {
  if (isPointwise(geo)) {
    const p = geo.h * geo.w;
    const u = { n: geo.n, q: geo.c, r: geo.o, p, sr: geo.c, sq: 1, ...sliceUniforms(whole(geo.c), out), ...plainStore(p) };
    runPointwise(g, 'conv2d_fwd_1x1', { src: x, wt: w, bias: b, dst: y }, u);
    return;
  }
  if (is3x3Stride1(geo) || is3x3Stride2(geo)) {
    const shared = g.fourLaneSubgroups;
    const tiles = geo.n * octets(geo.o) * threeByThreeRowTiles(geo.oh, geo.ow, shared);
    const u = { n: geo.n, q: geo.c, h: geo.h, w: geo.w, r: geo.o, oh: geo.oh, ow: geo.ow, ph: geo.ph, pw: geo.pw,
      sr: geo.c * 9, sq: 9, sky: 3, skx: 1, base: 0, tiles, ...sliceUniforms(whole(geo.c), out) };
    const entry = `conv2d_fwd_3x3${geo.sh === 1 ? '' : '_s2'}${shared ? '_shared' : ''}`;
    g.run(shared ? threeByThreeSubgroup : threeByThree, entry, { src: x, wt: w, bias: b, dst: y }, u, { threads: tiles });
    return;
  }
  if (out.channels !== geo.o || out.act !== 0) throw new Error('conv2d: only the 1×1 and 3×3 stride-1 kernels write slices');
  const tiles = geo.n * quads(geo.o) * quads(geo.oh * geo.ow);
  g.run(generic, 'conv2d_fwd', { x, w, b, y }, convUniforms(geo, tiles), { threads: tiles });
}

/** The conv2d op's forward: the 1×1 and 3×3 kernels apply `act` as they store; the generic one is followed by a pass. */
export function conv2dForwardActivated(g: GpuContext, x: GpuTensor, w: GpuTensor, b: GpuTensor, y: GpuTensor, geo: Conv2dGeometry,
  act: Activation | undefined): void {
  if (!act) return conv2dForward(g, x, w, b, y, geo);
  if (isPointwise(geo) || is3x3Stride1(geo) || is3x3Stride2(geo)) return conv2dForward(g, x, w, b, y, geo, { ...whole(geo.o), act: ACT_CODE[act] });
  const z = g.scratch(y.shape);
  conv2dForward(g, x, w, b, z, geo);
  activateGpu(g, z, y, act);
}

/**
 * out[n, r, p] = Σ_q a[r·sr + q·sq] · src[n, q, p] for r < R, q < Q, p < P, on the 1×1 kernel
 * without a bias: the GEMMs of conv_transpose2d's kernel = stride path.
 */
export function gemm1x1(g: GpuContext, a: GpuTensor, src: GpuTensor, out: GpuTensor,
  { n, q, r, p, sr, sq }: { n: number; q: number; r: number; p: number; sr: number; sq: number }): void {
  const u = { n, q, r, p, sr, sq, ...sliceUniforms(whole(q), whole(r)), ...plainStore(p) };
  runPointwise(g, 'conv2d_bwd_input_1x1', { src, wt: a, dst: out }, u);
}

/**
 * conv_transpose2d with kernel = stride and no padding, x [N, Cin, H, W] → y [N, Cout, H·kh, W·kw]: the 1×1
 * kernel's GEMM wᵀ·x (w [Cin, Cout·kh·kw] as [Q, R]), each row r = (co, ky, kx) stored with bias b[co] and
 * `act` at its output pixels.
 */
export function convTransposeGemm(g: GpuContext, x: GpuTensor, w: GpuTensor, b: GpuTensor, y: GpuTensor, act: number): void {
  const [n, cin, ih, iw] = x.shape;
  const [, cout, kh, kw] = w.shape;
  const r = cout * kh * kw;
  const p = ih * iw;
  const u = { n, q: cin, r, p, sr: 1, sq: r, sc: cin, s0: 0, dc: cout, d0: 0, act, kh, kw, iw };
  runPointwise(g, 'conv_transpose2d_fwd_1x1', { src: x, wt: w, bias: b, dst: y }, u);
}

export function conv2dInputGrad(g: GpuContext, w: GpuTensor, dy: GpuTensor, dx: GpuTensor, geo: Conv2dGeometry,
  dySlice: Slice = whole(geo.o), dxAct = 0): void {
  const slices = sliceUniforms(dySlice, { ...whole(geo.c), act: dxAct });
  if (isPointwise(geo)) {
    const p = geo.h * geo.w;
    const u = { n: geo.n, q: geo.o, r: geo.c, p, sr: 1, sq: geo.c, ...slices, ...plainStore(p) };
    runPointwise(g, 'conv2d_bwd_input_1x1', { src: dy, wt: w, dst: dx }, u);
    return;
  }
  if (is3x3Stride1(geo)) {
    // dx is the 3×3 convolution of dy with the flipped, transposed kernel and padding 2 − p.
    const shared = g.fourLaneSubgroups;
    const tiles = geo.n * octets(geo.c) * threeByThreeRowTiles(geo.h, geo.w, shared);
    const u = { n: geo.n, q: geo.o, h: geo.oh, w: geo.ow, r: geo.c, oh: geo.h, ow: geo.w, ph: 2 - geo.ph, pw: 2 - geo.pw,
      sr: 9, sq: geo.c * 9, sky: -3, skx: -1, base: 8, tiles, ...slices };
    g.run(shared ? threeByThreeSubgroup : threeByThree, shared ? 'conv2d_bwd_input_3x3_shared' : 'conv2d_bwd_input_3x3', { src: dy, wt: w, dst: dx }, u, { threads: tiles });
    return;
  }
  if (dySlice.channels !== geo.o || dxAct !== 0) throw new Error('conv2d: only the 1×1 and 3×3 stride-1 kernels read slices');
  // a tile is 4 channels × 4 columns of one phase (ix + pw) mod sw in one input row
  const tiles = geo.n * quads(geo.c) * geo.h * geo.sw * quads(Math.ceil(geo.w / geo.sw));
  g.run(generic, 'conv2d_bwd_input', { w, dy, dx }, convUniforms(geo, tiles), { threads: tiles });
}

export function conv2dWeightGrad(g: GpuContext, x: GpuTensor, dy: GpuTensor, dw: GpuTensor, geo: Conv2dGeometry,
  dySlice: Slice = whole(geo.o)): void {
  const { n, c, h, w, o, oh, ow, ph, pw } = geo;
  const yc = dySlice.channels;
  const y0 = dySlice.first;
  if (isPointwise(geo)) {
    const p = h * w;
    const tiles = octets(o) * octets(c);
    const quadsPerImage = quads(p);
    const { chunk, splits } = splitSum(tiles, n * quadsPerImage, 4);
    const u = { o, c, p, quads: n * quadsPerImage, chunk, tiles: tiles * splits, yc, y0 };
    splitWeightGrad(g, pointwiseWeight, 'conv2d_bwd_weight_1x1', { x, dy }, dw, splits, u);
  } else if (is3x3Stride1(geo)) {
    const tiles = octets(o) * c;
    const rowQuads = n * oh * quads(ow);
    const { chunk, splits } = splitSum(tiles, rowQuads, 4);
    const u = { n, c, h, w, o, oh, ow, ph, pw, quads: rowQuads, chunk, tiles: tiles * splits, yc, y0 };
    splitWeightGrad(g, threeByThreeWeight, 'conv2d_bwd_weight_3x3', { src: x, dy }, dw, splits, u);
  } else {
    if (yc !== o) throw new Error('conv2d: only the 1×1 and 3×3 stride-1 kernels read slices');
    const tiles = quads(o) * quads(c * geo.kh * geo.kw);
    const { chunk, splits } = splitSum(tiles, n * oh * ow, 1);
    splitWeightGrad(g, generic, 'conv2d_bwd_weight', { x, dy }, dw, splits, convUniforms(geo, tiles * splits, chunk));
  }
}

export function conv2dBiasGrad(g: GpuContext, dy: GpuTensor, db: GpuTensor, geo: Conv2dGeometry): void {
  channelSums(g, dy, db, { n: geo.n, channels: geo.o, first: 0, count: geo.o, hw: geo.oh * geo.ow });
}
