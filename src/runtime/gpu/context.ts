import type { Shape } from '../shape.ts';
import type { Grid } from './dispatch.ts';

export interface GpuTensor {
  readonly shape: Shape;
  readonly buffer: GPUBuffer;
}

/** What an op's GPU code may do: dispatch an entry point, or zero a tensor. */
export interface GpuContext {
  run(source: string, entry: string, bindings: Record<string, GpuTensor>, uniforms: Record<string, number>, grid: Grid): void;
  zero(t: GpuTensor): void;
  /** A scratch buffer for this op alone; released once the op is encoded. */
  scratch(shape: Shape): GpuTensor;
}
