import type { AnyOp } from './op.ts';
import { fmt, ShapeError, sizeOf, type Shape } from './shape.ts';
import type { Tensor } from './tensor.ts';

/** Checks the input count and the attributes, and returns the op's output shapes; both backends call it. */
export function outputShapes(op: AnyOp, inputs: readonly Shape[], attrs: object): Shape[] {
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) throw new ShapeError(op.name, `attributes must be an object, got ${JSON.stringify(attrs)}`);
  const max = op.inputs.length;
  const min = op.minInputs ?? max;
  if (inputs.length < min || inputs.length > max) {
    const names = min === max ? ` (${op.inputs.join(', ')})` : '';
    const count = min === max ? `${max}` : `${min} to ${max}`;
    throw new ShapeError(op.name, `expects ${count} inputs${names}, got ${inputs.length}`);
  }
  return op.inferShapes(inputs, attrs);
}

/** Checks a backward call: the inputs as outputShapes does, and the outputs and dOut against the shapes those inputs give. */
export function checkBackwardShapes(op: AnyOp, inputs: readonly Shape[], outputs: readonly Shape[], dOut: Shape, attrs: object): void {
  const want = outputShapes(op, inputs, attrs);
  const got = outputs.map(fmt).join(', ');
  if (got !== want.map(fmt).join(', ')) throw new ShapeError(op.name, `backward: outputs ${got || 'none'} given, the inputs give ${want.map(fmt).join(', ')}`);
  if (fmt(dOut) !== fmt(want[0])) throw new ShapeError(op.name, `backward: dOut ${fmt(dOut)} must have the first output's shape ${fmt(want[0])}`);
}

/** A shape a backend can make a tensor of: whole, non-negative dimensions, and at most `most` values (what a device can bind as one buffer). */
export function checkTensorShape(shape: Shape, most = Infinity): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ShapeError('tensor', `shape ${JSON.stringify(shape)} is not a list of whole numbers ≥ 0`);
  if (sizeOf(shape) > most) throw new ShapeError('tensor', `shape ${fmt(shape)} holds ${sizeOf(shape)} values, more than the device's ${most} per buffer`);
}

/** An update op writes its inputs in place: two of them in one storage would be read while written. */
export function checkUpdateInputs(op: AnyOp, inputs: readonly Tensor[]): void {
  if (op.kind !== 'update') return;
  inputs.forEach((t, i) => {
    const j = inputs.findIndex((u) => u.storage === t.storage);
    if (j < i) throw new ShapeError(op.name, `${op.inputs[j]} and ${op.inputs[i]} share one tensor's storage; each needs its own`);
  });
}

/** The message for a tensor handed to a backend that did not make it. */
export function foreignTensor(t: Tensor, backend: string): string {
  const owner = t.backend.name === backend ? `another ${backend} backend` : `the ${t.backend.name} backend`;
  return `tensor ${fmt(t.shape)} belongs to ${owner}, not this ${backend} backend`;
}
