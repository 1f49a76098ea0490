import { ShapeError, checkDims, fmt, spatialPair, type Shape } from '../shape.ts';

/**
 * stride and pad: one number for both axes, or [vertical, horizontal]; activation: applied to
 * the output (ELU with α = 1, or ReLU; none when absent), so conv → ELU is one op.
 */
export interface Conv2dAttrs {
  stride?: number | readonly [number, number];
  pad?: number | readonly [number, number];
  activation?: 'elu' | 'relu';
}

/** Every size a conv2d kernel needs, derived once from the input shapes and attributes. */
export interface Conv2dGeometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number;
  oh: number; ow: number;
}

/** A 1×1 convolution with stride 1 and no padding: a GEMM on the image as it is. */
export const isPointwise = (g: Conv2dGeometry): boolean => g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0;

/**
 * Shape inference and validation for conv2d: x [N,C,H,W], w [O,C,KH,KW], b [O];
 * the output is [N, O, floor((H + 2·ph − KH)/sh) + 1, floor((W + 2·pw − KW)/sw) + 1].
 */
export function conv2dGeometry(op: string, x: Shape, w: Shape, b: Shape, attrs: Conv2dAttrs): Conv2dGeometry {
  checkDims(op, 'x', x, 4);
  checkDims(op, 'w', w, 4);
  checkDims(op, 'b', b, 1);
  const [n, c, h, wd] = x;
  const [o, cw, kh, kw] = w;
  if (cw !== c) throw new ShapeError(op, `w ${fmt(w)} has ${cw} input channels but x ${fmt(x)} has ${c}`);
  if (b[0] !== o) throw new ShapeError(op, `b ${fmt(b)} must have one value per output channel of w ${fmt(w)} (${o})`);
  const [sh, sw] = spatialPair(op, 'stride', attrs.stride ?? 1, 1);
  const [ph, pw] = spatialPair(op, 'pad', attrs.pad ?? 0, 0);
  const oh = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const ow = Math.floor((wd + 2 * pw - kw) / sw) + 1;
  if (oh <= 0 || ow <= 0) {
    throw new ShapeError(op, `kernel ${kh}×${kw} does not fit x ${fmt(x)} padded by [${ph},${pw}]: output would be ${oh}×${ow}`);
  }
  return { n, c, h, w: wd, o, kh, kw, sh, sw, ph, pw, oh, ow };
}

export const conv2dOutputShape = (g: Conv2dGeometry): Shape => [g.n, g.o, g.oh, g.ow];

/** Multiply-adds of the forward pass; backward costs twice that (dx and dw). */
export const conv2dMacs = (g: Conv2dGeometry): number => g.n * g.o * g.oh * g.ow * g.c * g.kh * g.kw;
