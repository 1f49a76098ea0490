import type { GraphSpec } from './graph.ts';

/**
 * The classifier's parameters: those of the node that gives the logits, or, through nodes without
 * parameters (squeezenet's ReLU and global pooling), of the first node before it that has some.
 */
export function classifierParams(spec: GraphSpec): string[] {
  const isParam = (name: string) => spec.params.some((p) => p.name === name);
  for (let node = spec.nodes.find((n) => n.name === spec.logits); node; node = spec.nodes.find((n) => n.name === node!.inputs[0])) {
    const params = node.inputs.filter(isParam);
    if (params.length > 0) return params;
  }
  return [];
}

/** The net with `classes` outputs: its classifier's parameters get `classes` rows, the rest is the same graph. */
export function withClasses(spec: GraphSpec, classes: number): GraphSpec {
  const head = new Set(classifierParams(spec));
  return { ...spec, params: spec.params.map((p) => (head.has(p.name) ? { ...p, shape: [classes, ...p.shape.slice(1)] } : p)) };
}
