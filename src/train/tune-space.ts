/** The SGD settings the search tries: the paper's three. */
export interface Hyperparameters {
  lr: number;
  momentum: number;
  /** L2 regularisation (weight decay). */
  l2: number;
}

/** Each dimension of the search, in the order of the unit-cube coordinates; log-scaled ones are searched in log10. */
export const SEARCH_SPACE: readonly { name: keyof Hyperparameters; log10: boolean; min: number; max: number }[] = [
  { name: 'lr', log10: true, min: -4, max: -1 },
  { name: 'momentum', log10: false, min: 0.5, max: 0.99 },
  { name: 'l2', log10: true, min: -6, max: -2 },
];

/** 3 significant digits: what is logged, trained and printed in the command line are the same numbers. */
const rounded = (value: number): number => Number(value.toPrecision(3));

/** The hyperparameters at a unit-cube point, rounded to 3 significant digits. */
export function fromUnit(x: readonly number[]): Hyperparameters {
  const h = {} as Hyperparameters;
  SEARCH_SPACE.forEach(({ name, log10, min, max }, d) => {
    const value = min + x[d] * (max - min);
    h[name] = rounded(log10 ? 10 ** value : value);
  });
  return h;
}

/** The unit-cube point of some hyperparameters (clamped: rounding may step just outside a bound). */
export function toUnit(h: Hyperparameters): number[] {
  return SEARCH_SPACE.map(({ name, log10, min, max }) => {
    const value = log10 ? Math.log10(h[name]) : h[name];
    return Math.min(1, Math.max(0, (value - min) / (max - min)));
  });
}
