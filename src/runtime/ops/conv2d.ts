import { conv2dBwd, conv2dFwd } from '../cpu/conv2d.ts';
import { conv2dBwdFast, conv2dFwdFast } from '../cpu/conv2d-fast.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import type { Shape } from '../shape.ts';
import {
  activateInPlace, activateTwin, activationGradGpu, activationGradTwin, activationModules, activationOf, withActivationGrad,
} from './activation.ts';
import { channelSumsModule } from './channel-sums-gpu.ts';
import { conv2dBiasGrad, conv2dForwardActivated, conv2dInputGrad, conv2dSources, conv2dWeightGrad } from './conv2d-gpu.ts';
import { conv2dGeometry, conv2dOutputShape, type Conv2dAttrs } from './conv2d-shapes.ts';

export type { Conv2dAttrs } from './conv2d-shapes.ts';

const geometry = (x: Shape, w: Shape, b: Shape, attrs: Conv2dAttrs) => conv2dGeometry('conv2d', x, w, b, attrs);
const act = (attrs: Conv2dAttrs) => activationOf('conv2d', attrs.activation);

/**
 * 2-D convolution, NCHW: inputs x [N,C,H,W], w [O,C,KH,KW], b [O]; output [N,O,OH,OW], through
 * the optional activation (ELU α = 1 or ReLU), which the GPU kernels apply as they store.
 */
export const conv2d = defineOp<Conv2dAttrs>({
  name: 'conv2d',
  kind: 'layer',
  inputs: ['x', 'w', 'b'],
  grads: [true, true, true],
  skipsUnneededGrads: true,
  inferShapes: ([x, w, b], attrs) => [conv2dOutputShape(geometry(x, w, b, attrs))],
  cpu: {
    fwd: ([x, w, b], attrs) => {
      const g = geometry(x.shape, w.shape, b.shape, attrs);
      return [host(conv2dOutputShape(g), activateTwin(conv2dFwd(x.data, w.data, b.data, g), act(attrs)))];
    },
    bwd: ([x, w, b], _outputs, dy, attrs) => {
      const g = geometry(x.shape, w.shape, b.shape, attrs);
      // dz = dy · act′(z), with z = conv(x) recomputed
      const dz = act(attrs) ? activationGradTwin(conv2dFwd(x.data, w.data, b.data, g), dy.data, act(attrs)) : dy.data;
      const { dx, dw, db } = conv2dBwd(x.data, w.data, dz, g);
      return [host(x.shape, dx), host(w.shape, dw), host(b.shape, db)];
    },
  },
  cpuFast: {
    fwd: ([x, w, b], attrs) => {
      const g = geometry(x.shape, w.shape, b.shape, attrs);
      return [host(conv2dOutputShape(g), activateInPlace(conv2dFwdFast(x.data, w.data, b.data, g), act(attrs)))];
    },
    bwd: ([x, w, b], [y], dy, attrs, needed) => {
      const g = geometry(x.shape, w.shape, b.shape, attrs);
      const { dx, dw, db } = withActivationGrad(y.data as Float32Array, dy.data as Float32Array, act(attrs), (dz) => conv2dBwdFast(x.data, w.data, dz, g, needed?.[0] === false ? null : undefined));
      return [dx && host(x.shape, dx), host(w.shape, dw), host(b.shape, db)];
    },
  },
  // The 1×1 and 3×3 stride-1 fast paths live in modules of their own (conv2dSources).
  gpu: {
    modules: [
      { source: conv2dSources.generic, fwdEntries: ['conv2d_fwd'], bwdEntries: ['conv2d_bwd_input', 'conv2d_bwd_weight', 'conv2d_reduce_splits'] },
      channelSumsModule,
      { source: conv2dSources.pointwise, fwdEntries: ['conv2d_fwd_1x1'], bwdEntries: ['conv2d_bwd_input_1x1'] },
      { source: conv2dSources.pointwiseSubgroup, fwdEntries: ['conv2d_fwd_1x1_shared'], bwdEntries: ['conv2d_bwd_input_1x1_shared'] },
      { source: conv2dSources.pointwiseWeight, fwdEntries: [], bwdEntries: ['conv2d_bwd_weight_1x1'] },
      { source: conv2dSources.threeByThree, fwdEntries: ['conv2d_fwd_3x3', 'conv2d_fwd_3x3_s2'], bwdEntries: ['conv2d_bwd_input_3x3'] },
      { source: conv2dSources.threeByThreeSubgroup, fwdEntries: ['conv2d_fwd_3x3_shared', 'conv2d_fwd_3x3_s2_shared'], bwdEntries: ['conv2d_bwd_input_3x3_shared'] },
      { source: conv2dSources.threeByThreeWeight, fwdEntries: [], bwdEntries: ['conv2d_bwd_weight_3x3'] },
      ...activationModules,
    ],
    fwd: (g, [x, w, b], [y], attrs) => conv2dForwardActivated(g, x, w, b, y, geometry(x.shape, w.shape, b.shape, attrs), act(attrs)),
    bwd: (g, [x, w, b], [y], dOut, [dx, dw, db], attrs) => {
      const geo = geometry(x.shape, w.shape, b.shape, attrs);
      const dy = activationGradGpu(g, y, dOut, act(attrs));
      if (dx) conv2dInputGrad(g, w, dy, dx, geo);
      if (dw) conv2dWeightGrad(g, x, dy, dw, geo);
      if (db) conv2dBiasGrad(g, dy, db, geo);
    },
  },
});
