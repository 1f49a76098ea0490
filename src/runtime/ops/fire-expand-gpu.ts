import source from '../../../shaders/fire-expand.wgsl?raw';
import type { GpuContext, GpuTensor } from '../gpu/context.ts';
import { sizeOf } from '../shape.ts';
import { channelSums } from './channel-sums-gpu.ts';
import { conv2dForward, conv2dInputGrad, conv2dWeightGrad, type Slice } from './conv2d-gpu.ts';
import type { FireExpandGeometry } from './fire-expand-shapes.ts';

// fire_expand on the GPU: both branches run the conv2d 1×1 and 3×3 kernels, writing
// straight into their channel slices of y with the activation applied as they store.
// Backward: dz = dy · act′ once (from y), then each branch reads its slice of dz.

export const fireExpandSource = source;

const ACT = { relu: 1, elu: 2 } as const;
const ADD = 3; // the Slice act that adds into the buffer

export function fireExpandForward(g: GpuContext, [s, w1, b1, w3, b3]: GpuTensor[], y: GpuTensor, geo: FireExpandGeometry): void {
  const channels = geo.one.o + geo.three.o;
  const act = ACT[geo.activation];
  conv2dForward(g, s, w1, b1, y, geo.one, { channels, first: 0, act });
  conv2dForward(g, s, w3, b3, y, geo.three, { channels, first: geo.one.o, act });
}

export function fireExpandBackward(g: GpuContext, [s, w1, , w3]: GpuTensor[], y: GpuTensor, dy: GpuTensor,
  [ds, dw1, db1, dw3, db3]: GpuTensor[], geo: FireExpandGeometry): void {
  const { one, three } = geo;
  const channels = one.o + three.o;
  const count = sizeOf(y.shape);
  const dz = g.scratch(y.shape);
  g.run(source, 'fire_act_bwd', { y, dy, dz }, { count, act: ACT[geo.activation] }, { threads: count });
  const slice1: Slice = { channels, first: 0, act: 0 };
  const slice3: Slice = { channels, first: one.o, act: 0 };
  conv2dInputGrad(g, w3, dz, ds, three, slice3);
  conv2dInputGrad(g, w1, dz, ds, one, slice1, ADD);
  conv2dWeightGrad(g, s, dz, dw1, one, slice1);
  conv2dWeightGrad(g, s, dz, dw3, three, slice3);
  const bias = { n: one.n, channels, hw: one.h * one.w };
  channelSums(g, dz, db1, { ...bias, first: 0, count: one.o });
  channelSums(g, dz, db3, { ...bias, first: one.o, count: three.o });
}
