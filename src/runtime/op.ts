import type { Shape } from './shape.ts';
import type { HostTensor } from './host-tensor.ts';
import type { GpuContext, GpuTensor } from './gpu/context.ts';

/**
 * One op, wired once: shape inference shared by both backends, a plain CPU twin
 * and WGSL kernels. Backward returns fresh gradients for the inputs marked in
 * `grads` (null for the others) given the gradient of the op's FIRST output;
 * further outputs are saved statistics (batch-norm mean, dropout mask...).
 * GPU kernels must overwrite every element of the buffers they are given:
 * pooled buffers are not zeroed.
 */
export interface OpDef<A = Record<string, unknown>> {
  readonly name: string;
  /** 'layer' ops have a backward pass; 'update' ops change their inputs in place and have none. */
  readonly kind: 'layer' | 'update';
  readonly inputs: readonly string[];
  /**
   * Set by variadic ops (concat): the op takes between minInputs and inputs.length
   * inputs, named and marked for gradients by the first entries of inputs/grads.
   */
  readonly minInputs?: number;
  readonly grads: readonly boolean[];
  /**
   * Backward can skip a gradient its caller does not need (the net's input needs none): the
   * GPU bwd is given null for it and the fast CPU bwd `needed`. For other ops every gradient
   * is computed and the backend drops the unneeded ones.
   */
  readonly skipsUnneededGrads?: boolean;
  inferShapes(inputs: readonly Shape[], attrs: A): Shape[];
  /** The reference twin: naive, obviously correct loops; generic over float32/float64. */
  readonly cpu: CpuImpl<A>;
  /** Optional optimised CPU code the cpu backend prefers; always tested against `cpu`. */
  readonly cpuFast?: Partial<CpuImpl<A>>;
  readonly gpu: {
    /** The WGSL modules the op dispatches, each with the entry points of its forward and backward passes. */
    readonly modules: readonly GpuModule[];
    fwd(g: GpuContext, inputs: GpuTensor[], outputs: GpuTensor[], attrs: A): void;
    bwd?(g: GpuContext, inputs: GpuTensor[], outputs: GpuTensor[], dOut: GpuTensor, dInputs: (GpuTensor | null)[], attrs: A): void;
  };
}

export interface GpuModule {
  readonly source: string;
  readonly fwdEntries: readonly string[];
  readonly bwdEntries: readonly string[];
}

export interface CpuImpl<A> {
  fwd(inputs: HostTensor[], attrs: A): HostTensor[];
  bwd?(inputs: HostTensor[], outputs: HostTensor[], dOut: HostTensor, attrs: A, needed?: readonly boolean[]): (HostTensor | null)[];
}

// Attribute types differ per op; the registry stores them type-erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOp = OpDef<any>;

export const defineOp = <A>(op: OpDef<A>): OpDef<A> => op;
