export type Shape = readonly number[];

/** A bad shape, attribute or value given to an op; the message names the op and the numbers. */
export class ShapeError extends Error {
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'ShapeError';
  }
}

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

export const fmt = (shape: Shape): string => `[${shape.join(',')}]`;

export function checkDims(op: string, input: string, shape: Shape, rank: number): void {
  if (shape.length !== rank) {
    throw new ShapeError(op, `${input} must have rank ${rank}, got shape ${fmt(shape)}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d <= 0) {
      throw new ShapeError(op, `${input} has a dimension that is not a positive integer: ${fmt(shape)}`);
    }
  }
}

export function checkEqual(op: string, what: string, got: number, want: number): void {
  if (got !== want) throw new ShapeError(op, `${what} is ${got}, expected ${want}`);
}

export function checkPositiveInt(op: string, name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ShapeError(op, `${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** A stride or padding given as one number for both axes or as [vertical, horizontal], each an integer ≥ min. */
export function spatialPair(op: string, name: string, v: unknown, min: number): [number, number] {
  const [a, b] = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : [NaN, NaN];
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < min || b < min) {
    throw new ShapeError(op, `${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`);
  }
  return [a, b];
}
