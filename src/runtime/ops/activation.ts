import fireSource from '../../../shaders/fire-expand.wgsl?raw';
import pointwiseSource from '../../../shaders/pointwise.wgsl?raw';
import { activateRange, activationGradRange } from '../cpu/activation-fast.ts';
import { eluBwd, eluFwd } from '../cpu/elu.ts';
import { reluBwd, reluFwd } from '../cpu/relu.ts';
import type { GpuContext, GpuTensor } from '../gpu/context.ts';
import type { Arr } from '../host-tensor.ts';
import type { GpuModule } from '../op.ts';
import { ShapeError, sizeOf } from '../shape.ts';
import { recycle } from '../cpu/array-pool.ts';
import { outputF32 } from '../cpu/parallel.ts';

// The optional activation a layer op applies to what it outputs (conv2d's `activation`
// attribute): y = act(z) with ELU (α = 1) or ReLU. Backward first forms dz = dy · act′(z)
// from the saved output y (ELU: y > 0 ⇔ z > 0, and eᶻ = y + 1), then runs the op's own backward on dz.

export type Activation = 'elu' | 'relu';

/** The `act` codes of the conv2d 1×1 and 3×3 kernels and of fire_act_bwd. */
export const ACT_CODE = { relu: 1, elu: 2 } as const;

/** The attribute, validated: undefined for none. */
export function activationOf(op: string, value: unknown): Activation | undefined {
  if (value === undefined) return undefined;
  if (value !== 'elu' && value !== 'relu') throw new ShapeError(op, `activation must be 'elu' or 'relu', got ${JSON.stringify(value)}`);
  return value;
}

/** Twin: act(z) (z itself when there is no activation). */
export function activateTwin(z: Arr, act: Activation | undefined): Arr {
  if (act === 'elu') return eluFwd(z, 1);
  if (act === 'relu') return reluFwd(z);
  return z;
}

/** Twin: dy · act′(z), from the pre-activation z. */
export function activationGradTwin(z: Arr, dy: Arr, act: Activation | undefined): Arr {
  if (act === 'elu') return eluBwd(z, dy, 1);
  if (act === 'relu') return reluBwd(z, dy);
  return dy;
}

/** Fast float32 path: act(z) in place. */
export function activateInPlace(z: Float32Array, act: Activation | undefined): Float32Array {
  if (act) activateRange(z, 0, z, 0, z.length, act);
  return z;
}

/** Fast float32 path: `use` of dz = dy · act′ from the output y (dy itself without act); dz goes back to the pool after. */
export function withActivationGrad<T>(y: Float32Array, dy: Float32Array, act: Activation | undefined, use: (dz: Float32Array) => T): T {
  if (!act) return use(dy);
  const dz = outputF32(y.length);
  activationGradRange(y, dy, 0, dz, 0, y.length, act);
  const result = use(dz);
  recycle(dz);
  return result;
}

/** The WGSL modules of the two GPU helpers below. */
export const activationModules: GpuModule[] = [
  { source: pointwiseSource, fwdEntries: ['elu_fwd', 'relu_fwd'], bwdEntries: [] },
  { source: fireSource, fwdEntries: [], bwdEntries: ['fire_act_bwd'] },
];

/** GPU: y = act(z) as a pass of its own, for kernels that cannot apply it as they store. */
export function activateGpu(g: GpuContext, z: GpuTensor, y: GpuTensor, act: Activation): void {
  const n = sizeOf(z.shape);
  if (act === 'elu') g.run(pointwiseSource, 'elu_fwd', { x: z, y }, { n, alpha: 1 }, { threads: n });
  else g.run(pointwiseSource, 'relu_fwd', { x: z, y }, { n }, { threads: n });
}

/** GPU: dz = dy · act′ from the output y, in a scratch buffer (dy itself when there is no activation). */
export function activationGradGpu(g: GpuContext, y: GpuTensor, dy: GpuTensor, act: Activation | undefined): GpuTensor {
  if (!act) return dy;
  const count = sizeOf(y.shape);
  const dz = g.scratch(y.shape);
  g.run(fireSource, 'fire_act_bwd', { y, dy, dz }, { count, act: ACT_CODE[act] }, { threads: count });
  return dz;
}
