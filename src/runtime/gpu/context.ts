import type { Shape } from '../shape.ts';
import type { Grid } from './dispatch.ts';

export interface GpuTensor {
  readonly shape: Shape;
  readonly buffer: GPUBuffer;
}

/** What an op's GPU code may do: dispatch an entry point, copy between tensors, or zero a tensor. */
export interface GpuContext {
  run(source: string, entry: string, bindings: Record<string, GpuTensor>, uniforms: Record<string, number>, grid: Grid): void;
  zero(t: GpuTensor): void;
  /** Copies `count` values from src (from value srcAt on) to dst (from dstAt on); src and dst are different tensors. */
  copy(src: GpuTensor, srcAt: number, dst: GpuTensor, dstAt: number, count: number): void;
  /** A scratch buffer for this op alone; released once the op is encoded. */
  scratch(shape: Shape): GpuTensor;
  /** The device's subgroups are 4 consecutive invocations: the 1×1 and 3×3 conv kernels may share loads (subgroup-probe.ts). */
  readonly fourLaneSubgroups: boolean;
}
