/** A metric as the CLI prints it: four decimals, or n/a where the images lack the class it needs. */
export const scoreText = (value: number | null): string => (value === null ? 'n/a' : value.toFixed(4));
