import type { Shape } from './shape.ts';
import type { Tensor } from './tensor.ts';

export type BackendName = 'cpu' | 'webgpu';

export interface MemoryStats {
  bytesInUse: number;
  peakBytesInUse: number;
}

/** The two backends run the same registry ops on their own tensors. */
export interface Backend {
  readonly name: BackendName;
  /** 'CPU (JavaScript)' or the WebGPU adapter's name. */
  readonly description: string;
  tensor(shape: Shape, data?: Float32Array): Tensor;
  read(t: Tensor): Promise<Float32Array>;
  release(t: Tensor): void;
  /** Runs an op's forward pass; returns its outputs (none for in-place update ops). */
  forward(op: string, inputs: Tensor[], attrs?: object): Tensor[];
  /**
   * Gradients of the op's inputs given the gradient of its first output; null for the inputs
   * that have none and for those `needed` marks false (default: every one is needed).
   */
  backward(op: string, inputs: Tensor[], outputs: Tensor[], dOut: Tensor, attrs?: object, needed?: readonly boolean[]): (Tensor | null)[];
  /** Waits until all work so far has finished. */
  sync(): Promise<void>;
  memory(): MemoryStats;
  dispose(): void;
}
