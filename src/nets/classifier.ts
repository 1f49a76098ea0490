import type { GraphSpec } from './graph.ts';

/** The parameters of the node that gives the logits: the classifier (light-cnn's dense fc). */
export function classifierParams(spec: GraphSpec): string[] {
  const head = spec.nodes.find((node) => node.name === spec.logits);
  return (head?.inputs ?? []).filter((name) => spec.params.some((p) => p.name === name));
}

/** The net with `classes` outputs: its classifier's parameters get `classes` rows, the rest is the same graph. */
export function withClasses(spec: GraphSpec, classes: number): GraphSpec {
  const head = new Set(classifierParams(spec));
  return { ...spec, params: spec.params.map((p) => (head.has(p.name) ? { ...p, shape: [classes, ...p.shape.slice(1)] } : p)) };
}
