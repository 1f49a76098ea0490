import type { Backend } from '../runtime/backend.ts';
import type { GraphSpec, NodeSpec } from './graph.ts';
import { netFromWeights } from './init.ts';
import type { Net } from './net.ts';

export interface FoldedNet {
  readonly spec: GraphSpec;
  readonly weights: Map<string, Float32Array>;
}

const staticAttrs = (node: NodeSpec): Record<string, unknown> | null =>
  typeof node.attrs === 'function' ? null : ((node.attrs ?? {}) as Record<string, unknown>);

/** The activation a conv2d can fuse that `node` applies: ELU with α = 1 or ReLU. */
function fusableActivation(node: NodeSpec): 'elu' | 'relu' | undefined {
  const attrs = node.trainOnly ? null : staticAttrs(node);
  if (!attrs) return undefined;
  if (node.op === 'relu') return 'relu';
  return node.op === 'elu' && (attrs.alpha ?? 1) === 1 ? 'elu' : undefined;
}

/**
 * For inference only: every conv2d → batchnorm [→ elu (α = 1) | relu] chain whose
 * intermediate values nothing else reads becomes one conv2d with the activation fused,
 * w' = w·s and b' = (b − mean)·s + β per output channel, s = γ/√(var + eps) (the BN's
 * running statistics and its inference-mode eps). The folded conv keeps its node and
 * parameter names, with new values; readers of the chain's last value read the conv.
 * Anything else is left as it is. The result must not be trained: its BN is gone.
 */
export function foldBatchNorm(spec: GraphSpec, weights: ReadonlyMap<string, Float32Array>): FoldedNet {
  const readers = new Map<string, number>();
  const read = (name: string) => readers.set(name, (readers.get(name) ?? 0) + 1);
  for (const node of spec.nodes) node.inputs.forEach(read);
  [spec.logits, ...(spec.cam ? [spec.cam.features, spec.cam.weight] : [])].forEach(read);
  const isParam = new Set(spec.params.map((p) => p.name));
  const byInput = (name: string) => spec.nodes.find((n) => n.inputs[0] === name);
  const soleReader = (name: string) => (readers.get(name) === 1 ? byInput(name) : undefined);

  const out = new Map(weights);
  const dropped = new Set<string>();
  const renamed = new Map<string, string>();
  const activations = new Map<string, 'elu' | 'relu'>();
  for (const conv of spec.nodes) {
    const convAttrs = staticAttrs(conv);
    if (conv.op !== 'conv2d' || conv.trainOnly || !convAttrs || convAttrs.activation !== undefined || conv.inputs.length !== 3) continue;
    const [, w, b] = conv.inputs;
    if (!isParam.has(w) || !isParam.has(b) || readers.get(w) !== 1 || readers.get(b) !== 1) continue;
    const bn = soleReader(conv.name);
    if (!bn || bn.op !== 'batchnorm' || bn.trainOnly || bn.inputs.length !== 5 || !bn.inputs.slice(1).every((p) => isParam.has(p))) continue;
    const bnAttrs = (typeof bn.attrs === 'function' ? bn.attrs('infer', 0) : (bn.attrs ?? {})) as { training?: boolean; eps?: number };
    if (bnAttrs.training !== false) continue;
    const act = soleReader(bn.name);
    const activation = act && fusableActivation(act);

    const [weight, bias, gamma, beta, mean, variance] = [w, b, ...bn.inputs.slice(1)].map((p) => weights.get(p));
    const channels = bias?.length ?? 0;
    // Missing or mis-sized weights: leave the chain alone, netFromWeights names the problem.
    if (!weight || !bias || weight.length % channels !== 0 || ![gamma, beta, mean, variance].every((v) => v?.length === channels)) continue;
    const perChannel = weight.length / channels;
    const eps = bnAttrs.eps ?? 1e-5;
    const scale = Array.from(gamma!, (g, c) => g / Math.sqrt(variance![c] + eps));
    out.set(w, weight.map((v, i) => v * scale[Math.floor(i / perChannel)]));
    out.set(b, bias.map((v, c) => (v - mean![c]) * scale[c] + beta![c]));
    dropped.add(bn.name);
    renamed.set(bn.name, conv.name);
    if (activation) {
      dropped.add(act!.name);
      renamed.set(act!.name, conv.name);
      activations.set(conv.name, activation);
    }
  }

  const rename = (name: string) => renamed.get(name) ?? name;
  const nodes = spec.nodes
    .filter((n) => !dropped.has(n.name))
    .map((n): NodeSpec => {
      const activation = activations.get(n.name);
      const attrs = activation ? { ...staticAttrs(n), activation } : n.attrs;
      return { ...n, inputs: n.inputs.map(rename), attrs };
    });
  const used = new Set([...nodes.flatMap((n) => n.inputs), ...(spec.cam ? [spec.cam.weight] : [])]);
  const params = spec.params.filter((p) => used.has(p.name));
  for (const name of out.keys()) if (isParam.has(name) && !used.has(name)) out.delete(name);
  const cam = spec.cam && { features: rename(spec.cam.features), weight: spec.cam.weight };
  return { spec: { ...spec, params, nodes, logits: rename(spec.logits), ...(cam ? { cam } : {}) }, weights: out };
}

/** A net for inference only, from stored weights: netFromWeights of the folded graph. */
export function inferenceNet(spec: GraphSpec, backend: Backend, weights: ReadonlyMap<string, Float32Array>): Net {
  const folded = foldBatchNorm(spec, weights);
  return netFromWeights(folded.spec, backend, folded.weights);
}
