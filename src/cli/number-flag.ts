export interface NumberRule {
  integer?: boolean;
  /** Smallest allowed value. */
  min?: number;
  /** The value must be above this. */
  above?: number;
  /** The value must be below this. */
  below?: number;
}

/** The value of flag --name as a number, or `fallback` when it was not given; a value breaking `rule` is an error naming the flag. */
export function numberFlag(name: string, text: string | undefined, fallback: number, rule: NumberRule = {}): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  const { integer = false, min, above, below } = rule;
  const problems = [
    [!Number.isFinite(value) || text.trim() === '', 'a number'],
    [integer && !Number.isInteger(value), 'a whole number'],
    [min !== undefined && value < min, `at least ${min}`],
    [above !== undefined && value <= above, `above ${above}`],
    [below !== undefined && value >= below, `below ${below}`],
  ] as const;
  const broken = problems.find(([bad]) => bad);
  if (broken) throw new Error(`--${name} must be ${broken[1]}, got "${text}"`);
  return value;
}

/** What --lr, --momentum, --l2 and --dropout accept, in every command that has them. */
export const HYPERPARAMETER_RULES: Record<'lr' | 'momentum' | 'l2' | 'dropout', NumberRule> = { lr: { above: 0 }, momentum: { min: 0, below: 1 }, l2: { min: 0 }, dropout: { min: 0, below: 1 } };
