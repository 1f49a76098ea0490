import type { AnyOp } from './op.ts';
import type { Shape } from './shape.ts';
import { ShapeError } from './shape.ts';

/** Checks the input count and returns the op's output shapes; both backends call it. */
export function outputShapes(op: AnyOp, inputs: readonly Shape[], attrs: object): Shape[] {
  const max = op.inputs.length;
  const min = op.minInputs ?? max;
  if (inputs.length < min || inputs.length > max) {
    const names = min === max ? ` (${op.inputs.join(', ')})` : '';
    const count = min === max ? `${max}` : `${min} to ${max}`;
    throw new ShapeError(op.name, `expects ${count} inputs${names}, got ${inputs.length}`);
  }
  return op.inferShapes(inputs, attrs);
}
