import { conv2dGeometry, conv2dMacs } from '../src/runtime/ops/conv2d-shapes.ts';
import { sizeOf, type Shape } from '../src/runtime/shape.ts';

/** Multiply-adds of an op's forward and backward passes; GFLOP/s counts 2 per multiply-add. */
export type MacCount = (inputs: readonly Shape[], attrs: object) => { fwd: number; bwd: number };

/** Per op name; an op without an entry is timed but gets no GFLOP/s. */
export const opMacs: Record<string, MacCount> = {
  conv2d: ([x, w, b], attrs) => {
    const macs = conv2dMacs(conv2dGeometry('conv2d', x, w, b, attrs));
    return { fwd: macs, bwd: 2 * macs }; // dx and dw; db is negligible
  },
  fire_expand: ([s, w1, , w3]) => {
    const macs = s[0] * s[2] * s[3] * s[1] * (w1[0] + 9 * w3[0]); // conv 1×1 and conv 3×3 pad 1 over the same pixels
    return { fwd: macs, bwd: 2 * macs };
  },
  conv_transpose2d: ([x, w]) => {
    const macs = x[0] * x[1] * x[2] * x[3] * w[1] * w[2] * w[3]; // every input pixel stamps a Cout×KH×KW kernel
    return { fwd: macs, bwd: 2 * macs };
  },
};

/**
 * Bytes of the float32 tensors a pass takes and gives: forward its inputs and outputs; backward its
 * inputs, dOut and the gradients it writes (`gradsWritten`, by input; absent for forward). What a
 * memory-bound kernel must move at the least (a pass that also reads the saved output moves more),
 * to set against the machine's bandwidth.
 */
export function passBytes(inputs: readonly Shape[], outputs: readonly Shape[], gradsWritten?: readonly boolean[]): number {
  const floats = (shapes: readonly Shape[]) => shapes.reduce((sum, s) => sum + sizeOf(s), 0);
  if (!gradsWritten) return 4 * (floats(inputs) + floats(outputs));
  return 4 * (floats(inputs) + sizeOf(outputs[0]) + floats(inputs.filter((_, i) => gradsWritten[i])));
}
