import source from '../../../shaders/batchnorm.wgsl?raw';
import {
  batchStats, bnAffineGrads, bnInputGradInference, bnInputGradTraining, bnNormalize, runningInvStd, updateRunning, type BnDims,
} from '../cpu/batchnorm.ts';
import {
  batchStatsFast, bnAffineGradsFast, bnInputGradInferenceFast, bnInputGradTrainingFast, bnNormalizeFast,
} from '../cpu/batchnorm-fast.ts';
import { host, type HostTensor } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, checkDims, fmt, type Shape } from '../shape.ts';

/**
 * Batch norm over NCHW. Training: normalise with the batch statistics (biased
 * variance), output [y, saveMean, saveInvStd] and move runningMean/runningVar in
 * place towards the batch mean and UNBIASED variance (as PyTorch does).
 * Inference: output [y], normalised with the running statistics.
 */
export interface BatchnormAttrs {
  training: boolean;
  eps?: number;
  momentum?: number;
}

const OP = 'batchnorm';

/** Output shapes; validates x [N,C,H,W], the four [C] vectors and the attributes. */
export function batchnormShape(x: Shape, gamma: Shape, beta: Shape, runningMean: Shape, runningVar: Shape, attrs: BatchnormAttrs): Shape[] {
  const { training, eps = 1e-5, momentum = 0.1 } = attrs;
  if (typeof training !== 'boolean') throw new ShapeError(OP, `attribute training must be true or false, got ${String(training)}`);
  if (!(eps > 0 && Number.isFinite(eps))) throw new ShapeError(OP, `eps must be a positive number, got ${eps}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new ShapeError(OP, `momentum must be in [0, 1], got ${momentum}`);
  checkDims(OP, 'x', x, 4);
  const [n, c, h, w] = x;
  const vectors: [string, Shape][] = [['gamma', gamma], ['beta', beta], ['runningMean', runningMean], ['runningVar', runningVar]];
  for (const [name, s] of vectors) {
    if (s.length !== 1 || s[0] !== c) throw new ShapeError(OP, `${name} must have shape [${c}] (the channels of x ${fmt(x)}), got ${fmt(s)}`);
  }
  if (training && n * h * w < 2) {
    throw new ShapeError(OP, `training needs more than 1 value per channel to estimate a variance, x ${fmt(x)} has ${n * h * w}`);
  }
  return training ? [x, [c], [c]] : [x];
}

const dimsOf = (x: Shape): BnDims => ({ batch: x[0], channels: x[1], plane: x[2] * x[3] });

/** Each partial reduces at most this many elements of one (n, c) plane. */
const SLICE = 64;

/** The uniform block every entry of shaders/batchnorm.wgsl reads. */
function gpuDims(x: Shape, { eps = 1e-5, momentum = 0.1 }: BatchnormAttrs) {
  const { batch, channels, plane } = dimsOf(x);
  const splits = Math.ceil(plane / SLICE);
  return { total: batch * channels * plane, channels, plane, splits, parts: batch * splits, count: batch * plane, eps, momentum };
}

/** The per-element loops: the twin's (any float array) or the fast float32 ones. */
const twinLoops = { batchStats, bnNormalize, bnAffineGrads, bnInputGradTraining, bnInputGradInference };
type Loops = typeof twinLoops;
// The fast loops take Float32Array where the twins take any float array: the cpu backend's tensors are float32 when cpuFast runs.
const fastLoops = {
  batchStats: batchStatsFast, bnNormalize: bnNormalizeFast, bnAffineGrads: bnAffineGradsFast,
  bnInputGradTraining: bnInputGradTrainingFast, bnInputGradInference: bnInputGradInferenceFast,
} as unknown as Loops;

const cpuFwd = (k: Loops) => ([x, gamma, beta, runningMean, runningVar]: HostTensor[], attrs: BatchnormAttrs): HostTensor[] => {
  const { batchStats, bnNormalize } = k;
  const { training, eps = 1e-5, momentum = 0.1 } = attrs;
  const d = dimsOf(x.shape);
  if (!training) {
    const invStd = runningInvStd(runningVar.data, eps);
    return [host(x.shape, bnNormalize(x.data, d, runningMean.data, invStd, gamma.data, beta.data))];
  }
  const stats = batchStats(x.data, d, eps);
  updateRunning(runningMean.data, stats.mean, momentum);
  updateRunning(runningVar.data, stats.unbiasedVar, momentum);
  const y = bnNormalize(x.data, d, stats.mean, stats.invStd, gamma.data, beta.data);
  return [host(x.shape, y), host([d.channels], stats.mean), host([d.channels], stats.invStd)];
};

const cpuBwd = (k: Loops) => ([x, gamma, , runningMean, runningVar]: HostTensor[], outputs: HostTensor[], dy: HostTensor, attrs: BatchnormAttrs): (HostTensor | null)[] => {
  const { bnAffineGrads, bnInputGradTraining, bnInputGradInference } = k;
  const d = dimsOf(x.shape);
  const c = [d.channels];
  const mean = attrs.training ? outputs[1].data : runningMean.data;
  const invStd = attrs.training ? outputs[2].data : runningInvStd(runningVar.data, attrs.eps ?? 1e-5);
  const { dgamma, dbeta } = bnAffineGrads(x.data, dy.data, d, mean, invStd);
  const dx = attrs.training
    ? bnInputGradTraining(x.data, dy.data, d, mean, invStd, gamma.data, dgamma, dbeta)
    : bnInputGradInference(dy.data, d, invStd, gamma.data);
  return [host(x.shape, dx), host(c, dgamma), host(c, dbeta), null, null];
};

export const batchnorm = defineOp<BatchnormAttrs>({
  name: OP,
  kind: 'layer',
  inputs: ['x', 'gamma', 'beta', 'runningMean', 'runningVar'],
  grads: [true, true, true, false, false],
  inferShapes: ([x, gamma, beta, runningMean, runningVar], attrs) => batchnormShape(x, gamma, beta, runningMean, runningVar, attrs),
  cpu: { fwd: cpuFwd(twinLoops), bwd: cpuBwd(twinLoops) },
  cpuFast: { fwd: cpuFwd(fastLoops), bwd: cpuBwd(fastLoops) },
  gpu: {
    modules: [{ source, fwdEntries: ['bn_stats_partial', 'bn_stats_finish', 'bn_running_inv_std', 'bn_apply'], bwdEntries: ['bn_running_inv_std', 'bn_grad_partial', 'bn_grad_finish', 'bn_dx_train', 'bn_dx_affine'] }],
    fwd: (g, [x, gamma, beta, runningMean, runningVar], [y, saveMean, saveInvStd], attrs) => {
      const dims = gpuDims(x.shape, attrs);
      const perChannel = { threads: dims.channels };
      if (attrs.training) {
        const partials = g.scratch([dims.channels * dims.parts * 3]);
        g.run(source, 'bn_stats_partial', { x, partials }, dims, { threads: dims.channels * dims.parts });
        const stats = { partials, save_mean: saveMean, inv_std: saveInvStd, running_mean: runningMean, running_var: runningVar };
        g.run(source, 'bn_stats_finish', stats, dims, perChannel);
        g.run(source, 'bn_apply', { x, mean: saveMean, inv_std: saveInvStd, gamma, beta, y }, dims, { threads: dims.total });
      } else {
        const invStd = g.scratch([dims.channels]);
        g.run(source, 'bn_running_inv_std', { running_var: runningVar, inv_std: invStd }, dims, perChannel);
        g.run(source, 'bn_apply', { x, mean: runningMean, inv_std: invStd, gamma, beta, y }, dims, { threads: dims.total });
      }
    },
    bwd: (g, [x, gamma, , runningMean, runningVar], outputs, dy, [dx, dgammaOut, dbetaOut], attrs) => {
      const dims = gpuDims(x.shape, attrs);
      const perChannel = { threads: dims.channels };
      let mean = runningMean;
      let invStd = outputs[2];
      if (attrs.training) {
        mean = outputs[1];
      } else {
        invStd = g.scratch([dims.channels]);
        g.run(source, 'bn_running_inv_std', { running_var: runningVar, inv_std: invStd }, dims, perChannel);
      }
      const dgamma = dgammaOut ?? g.scratch([dims.channels]);
      const dbeta = dbetaOut ?? g.scratch([dims.channels]);
      const partials = g.scratch([dims.channels * dims.parts * 2]);
      g.run(source, 'bn_grad_partial', { x, dy, mean, inv_std: invStd, partials }, dims, { threads: dims.channels * dims.parts });
      g.run(source, 'bn_grad_finish', { partials, dgamma, dbeta }, dims, perChannel);
      if (!dx) return;
      if (attrs.training) {
        g.run(source, 'bn_dx_train', { x, dy, mean, inv_std: invStd, gamma, dgamma, dbeta, y: dx }, dims, { threads: dims.total });
      } else {
        g.run(source, 'bn_dx_affine', { dy, gamma, inv_std: invStd, y: dx }, dims, { threads: dims.total });
      }
    },
  },
});
