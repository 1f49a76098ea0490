/** The settings the search tries: the paper's three SGD settings and the dropout rate before the classifier. */
export interface Hyperparameters {
  lr: number;
  momentum: number;
  /** L2 regularisation (weight decay). */
  l2: number;
  dropout: number;
}

export interface Dimension {
  name: keyof Hyperparameters;
  log10: boolean;
  min: number;
  max: number;
}

/** Each dimension of the search, in the order of the unit-cube coordinates; log-scaled ones are searched in log10. */
export const SEARCH_SPACE: readonly Dimension[] = [
  { name: 'lr', log10: true, min: -4, max: -1 },
  { name: 'momentum', log10: false, min: 0.5, max: 0.99 },
  { name: 'l2', log10: true, min: -6, max: -2 },
  { name: 'dropout', log10: false, min: 0, max: 0.7 },
];

/** For each hyperparameter, the value every attempt of a search uses, or null when the search varies it. */
export type Pinned = { [K in keyof Hyperparameters]: number | null };

export const NOTHING_PINNED: Pinned = { lr: null, momentum: null, l2: null, dropout: null };

/** The dimensions searched, in SEARCH_SPACE's order: those not pinned. */
export const searchSpace = (pinned: Pinned = NOTHING_PINNED): readonly Dimension[] => SEARCH_SPACE.filter((d) => pinned[d.name] === null);

/** 3 significant digits: what is logged, trained and printed in the command line are the same numbers. */
const rounded = (value: number): number => Number(value.toPrecision(3));

/** The hyperparameters at a unit-cube point of searchSpace(pinned), rounded to 3 significant digits; pinned ones take their value. */
export function fromUnit(x: readonly number[], pinned: Pinned = NOTHING_PINNED): Hyperparameters {
  const h = { lr: pinned.lr, momentum: pinned.momentum, l2: pinned.l2, dropout: pinned.dropout } as Hyperparameters;
  searchSpace(pinned).forEach(({ name, log10, min, max }, d) => {
    const value = min + x[d] * (max - min);
    h[name] = rounded(log10 ? 10 ** value : value);
  });
  return h;
}

/** The unit-cube point of some hyperparameters in searchSpace(pinned) (clamped: rounding may step just outside a bound). */
export function toUnit(h: Hyperparameters, pinned: Pinned = NOTHING_PINNED): number[] {
  return searchSpace(pinned).map(({ name, log10, min, max }) => {
    const value = log10 ? Math.log10(h[name]) : h[name];
    return Math.min(1, Math.max(0, (value - min) / (max - min)));
  });
}
