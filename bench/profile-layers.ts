import { inferenceNet } from '../src/nets/fold-batchnorm.ts';
import { buildNet } from '../src/nets/index.ts';
import { netFromWeights } from '../src/nets/init.ts';
import { profileForward, releaseProfiled } from '../src/nets/profile.ts';
import type { Backend } from '../src/runtime/backend.ts';
import type { Tensor } from '../src/runtime/tensor.ts';
import { benchInput, benchWeights } from './bench-inputs.ts';
import { profileBackward } from './profile-backward.ts';

export interface LayerRow {
  name: string;
  op: string;
  forwardMs: number;
  /** Null for nodes that run only in inference, or when the backward could not be timed. */
  backwardMs: number | null;
}

export interface LayerProfile {
  net: string;
  backend: string;
  batch: number;
  forwardMethod: string;
  backwardMethod: string | null;
  /** Why there is no backward column. */
  backwardNote?: string;
  gradientSumsMs: number | null;
  layers: LayerRow[];
  /** The graph inference runs (BN folded into the convs, as predict and the latency cases run it), forward only. */
  inference: { forwardMethod: string; layers: { name: string; op: string; forwardMs: number }[] };
}

/** Forward times per layer of the inference graph, the second of two passes. */
async function profileInference(backend: Backend, netName: string, size: number, x: Tensor): Promise<LayerProfile['inference']> {
  const spec = buildNet(netName, { size });
  const net = inferenceNet(spec, backend, benchWeights(spec));
  try {
    releaseProfiled(await profileForward(net, x));
    const fwd = await profileForward(net, x);
    releaseProfiled(fwd);
    return { forwardMethod: fwd.method, layers: fwd.layers.map((l) => ({ name: l.name, op: l.op, forwardMs: l.ms })) };
  } finally {
    net.dispose();
  }
}

/** `npm run bench -- --profile`: per-layer forward times (nets/profile.ts) and per-layer backward times of one net on one backend. */
export async function profileLayers(backend: Backend, netName: string, size: number, batch: number): Promise<LayerProfile> {
  const spec = buildNet(netName, { size });
  const net = netFromWeights(spec, backend, benchWeights(spec));
  const x = backend.tensor([batch, ...spec.inputShape], benchInput(spec, batch));
  try {
    // The first pass builds pipelines and warms the JIT: time the second.
    releaseProfiled(await profileForward(net, x));
    const fwd = await profileForward(net, x);
    releaseProfiled(fwd);
    let bwd: Awaited<ReturnType<typeof profileBackward>> | null = null;
    let backwardNote: string | undefined;
    try {
      await profileBackward(net, x);
      bwd = await profileBackward(net, x);
    } catch (err) {
      backwardNote = (err as Error).message;
    }
    return {
      net: netName,
      backend: backend.description,
      batch,
      forwardMethod: fwd.method,
      backwardMethod: bwd?.method ?? null,
      ...(backwardNote ? { backwardNote } : {}),
      gradientSumsMs: bwd?.gradientSumsMs ?? null,
      layers: fwd.layers.map((l) => ({ name: l.name, op: l.op, forwardMs: l.ms, backwardMs: bwd?.byNode.get(l.name) ?? null })),
      inference: await profileInference(backend, netName, size, x),
    };
  } finally {
    x.dispose();
    net.dispose();
  }
}

/** The profile as a text table for stdout. */
export function formatProfile(p: LayerProfile): string {
  const sum = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
  const head = `${p.net} on ${p.backend}, batch ${p.batch} — forward: ${p.forwardMethod}, backward: ${p.backwardMethod ?? `not timed (${p.backwardNote})`}`;
  const width = Math.max(...p.layers.map((l) => l.name.length), 5);
  const lines = [head, `${'layer'.padEnd(width)}  ${'op'.padEnd(18)} ${'fwd ms'.padStart(9)} ${'bwd ms'.padStart(9)}`];
  for (const l of p.layers) {
    lines.push(`${l.name.padEnd(width)}  ${l.op.padEnd(18)} ${l.forwardMs.toFixed(2).padStart(9)} ${(l.backwardMs === null ? '—' : l.backwardMs.toFixed(2)).padStart(9)}`);
  }
  if (p.gradientSumsMs !== null) lines.push(`${'(gradient sums)'.padEnd(width)}  ${'add'.padEnd(18)} ${''.padStart(9)} ${p.gradientSumsMs.toFixed(2).padStart(9)}`);
  const total = sum(p.layers.map((l) => l.backwardMs)) + (p.gradientSumsMs ?? 0);
  lines.push(`${'total'.padEnd(width)}  ${''.padEnd(18)} ${sum(p.layers.map((l) => l.forwardMs)).toFixed(2).padStart(9)} ${p.backwardMethod ? total.toFixed(2).padStart(9) : '—'.padStart(9)}`);
  lines.push('', `inference graph (BN folded into the convs, as predict runs it) — forward: ${p.inference.forwardMethod}`);
  for (const l of p.inference.layers) lines.push(`${l.name.padEnd(width)}  ${l.op.padEnd(18)} ${l.forwardMs.toFixed(2).padStart(9)}`);
  lines.push(`${'total'.padEnd(width)}  ${''.padEnd(18)} ${sum(p.inference.layers.map((l) => l.forwardMs)).toFixed(2).padStart(9)}`);
  return lines.join('\n');
}
