import { ShapeError, fmt, type Shape } from '../shape.ts';

export function sameShape(op: string, shape: Shape): Shape[] {
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ShapeError(op, `x has a dimension that is not a positive integer: ${fmt(shape)}`);
  }
  return [shape];
}

export function sameShapes(op: string, a: Shape, b: Shape): Shape[] {
  sameShape(op, a);
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new ShapeError(op, `a ${fmt(a)} and b ${fmt(b)} must have the same shape`);
  }
  return [a];
}
