/** Class names by index: index 1, COVID, is the positive class. */
export const CLASS_NAMES = ['NonCOVID', 'COVID'] as const;

export type ClassName = (typeof CLASS_NAMES)[number];

export function isClassName(name: string): name is ClassName {
  return (CLASS_NAMES as readonly string[]).includes(name);
}
