import type { AnyOp } from './op.ts';
import type { Shape } from './shape.ts';
import { ShapeError } from './shape.ts';

/** Checks the input count and returns the op's output shapes; both backends call it. */
export function outputShapes(op: AnyOp, inputs: readonly Shape[], attrs: object): Shape[] {
  if (inputs.length !== op.inputs.length) {
    throw new ShapeError(op.name, `expects ${op.inputs.length} inputs (${op.inputs.join(', ')}), got ${inputs.length}`);
  }
  return op.inferShapes(inputs, attrs);
}
