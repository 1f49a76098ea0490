import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldBatchNorm, inferenceNet } from '../../src/nets/fold-batchnorm.ts';
import type { GraphSpec } from '../../src/nets/graph.ts';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { GraphBuilder } from '../../src/nets/layers.ts';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import type { WebGpuBackend } from '../../src/runtime/gpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';
import { Sgd, trainStep } from '../../src/train/train-step.ts';
import { relErr } from '../harness/net-compare.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

/** Initial weights with BN statistics and affine parameters far from the identity. */
function weightsWithBnStats(spec: GraphSpec, seed: number): Map<string, Float32Array> {
  const weights = initialWeights(spec, seed);
  const rng = new Random(seed + 100);
  const fill = (name: string, f: () => number) => weights.has(name) && weights.set(name, weights.get(name)!.map(f));
  for (const p of spec.params) {
    if (p.name.endsWith('.running_mean')) fill(p.name, () => rng.uniform(-0.5, 0.5));
    if (p.name.endsWith('.running_var')) fill(p.name, () => rng.uniform(0.3, 3));
    if (p.name.endsWith('.bn.weight')) fill(p.name, () => rng.uniform(0.5, 1.8));
    if (p.name.endsWith('.bn.bias')) fill(p.name, () => rng.uniform(-0.4, 0.4));
  }
  return weights;
}

const opCount = (spec: GraphSpec, op: string) => spec.nodes.filter((n) => n.op === op).length;

async function inferBoth(spec: GraphSpec, weights: Map<string, Float32Array>, backend: Backend, x: Float32Array) {
  const out = [];
  for (const net of [netFromWeights(spec, backend, weights), inferenceNet(spec, backend, weights)]) {
    const input = backend.tensor([2, ...spec.inputShape], x);
    const pass = net.forward(input, 'infer', { keepFeatures: true });
    out.push({ logits: await pass.logits.read(), features: pass.features && (await pass.features.read()) });
    net.release(pass);
    input.dispose();
    net.dispose();
  }
  return { plain: out[0], folded: out[1] };
}

describe('foldBatchNorm on light-cnn at 64×64, batch 2', () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu.dispose());

  const spec = buildNet('light-cnn', { size: 64 });
  const weights = weightsWithBnStats(spec, 4);
  const x = new Random(5).normals(2 * 64 * 64);

  it('removes every batchnorm node and the 8 squeeze ELUs; the squeezes carry the ELU', () => {
    const folded = foldBatchNorm(spec, weights).spec;
    expect(opCount(spec, 'batchnorm')).toBe(8);
    expect(opCount(folded, 'batchnorm')).toBe(0);
    expect(opCount(spec, 'elu') - opCount(folded, 'elu')).toBe(8);
    expect(folded.nodes).toHaveLength(spec.nodes.length - 16);
    const squeeze = folded.nodes.find((n) => n.name === 'fire5.squeeze')!;
    expect(squeeze.attrs).toEqual({ stride: 1, pad: 0, activation: 'elu' });
    expect(folded.nodes.find((n) => n.name === 'fire5.expand')!.inputs[0]).toBe('fire5.squeeze');
    expect(folded.params.some((p) => p.name.includes('.bn.'))).toBe(false);
    expect(folded.cam).toEqual(spec.cam);
  });

  for (const name of ['cpu', 'webgpu'] as const) {
    it(`gives the unfolded net's logits and CAM features within 1e-4 on ${name}`, async () => {
      const { plain, folded } = await inferBoth(spec, weights, name === 'cpu' ? new CpuBackend() : gpu, x);
      expect(relErr(folded.logits, plain.logits)).toBeLessThan(1e-4);
      expect(relErr(folded.features!, plain.features!)).toBeLessThan(1e-4);
      // the BN statistics matter: without them the logits are far off
      const bare = await inferBoth(spec, initialWeights(spec, 4), new CpuBackend(), x);
      expect(relErr(bare.plain.logits, plain.logits)).toBeGreaterThan(1e-2);
    });
  }

  it('leaves the spec and weights it is given as they were, and training still runs batchnorm', async () => {
    const before = new Map([...weights].map(([k, v]) => [k, v.slice()]));
    const nodes = spec.nodes.length;
    foldBatchNorm(spec, weights);
    expect(spec.nodes).toHaveLength(nodes);
    for (const [k, v] of before) expect(weights.get(k), k).toEqual(v);

    const net = netFromWeights(spec, new CpuBackend(), weights);
    const sgd = new Sgd(net);
    const input = net.backend.tensor([2, 1, 64, 64], x);
    await trainStep(net, sgd, input, Float32Array.of(0, 1), Float32Array.of(1, 1), { lr: 0.01, momentum: 0.9, weightDecay: 0 }, 0);
    const after = await net.exportWeights();
    expect(relErr(after.get('fire2.bn.running_mean')!, before.get('fire2.bn.running_mean')!)).toBeGreaterThan(1e-3);
    sgd.dispose();
    net.dispose();
  });
});

/** input → conv (3×3) → bn → elu, then `tail` reads the chain; gap → dense. */
function smallNet(tail: (b: GraphBuilder, conv: string, bn: string, act: string) => string): GraphSpec {
  const b = new GraphBuilder();
  const conv = b.conv('conv', 'input', 2, 4, 3, 1, 1);
  const bn = b.batchNorm('bn', conv, 4);
  const act = b.elu('act', bn);
  const logits = b.dense('fc', b.globalAvgPool('gap', tail(b, conv, bn, act)), 4, 3);
  return { name: 'small', inputShape: [2, 7, 5], params: b.params, nodes: b.nodes, logits };
}

describe('foldBatchNorm on small graphs', () => {
  const x = new Random(8).normals(2 * 2 * 7 * 5);
  const check = async (spec: GraphSpec, ops: string[]) => {
    const weights = weightsWithBnStats(spec, 3);
    weights.set('bn.weight', Float32Array.of(0.5, 1.5, 2, 0.8));
    weights.set('bn.bias', Float32Array.of(0.2, -0.3, 0.1, 0.4));
    expect(foldBatchNorm(spec, weights).spec.nodes.map((n) => n.op)).toEqual(ops);
    const { plain, folded } = await inferBoth(spec, weights, new CpuBackend(), x);
    expect(relErr(folded.logits, plain.logits)).toBeLessThan(1e-5);
  };

  it('folds the whole chain when only the next node reads each value', async () => {
    await check(smallNet((_b, _c, _n, act) => act), ['conv2d', 'global_avg_pool', 'dense']);
  });

  it('folds nothing when the convolution output is read elsewhere', async () => {
    await check(smallNet((b, conv, _n, act) => b.add('sum', conv, act)), ['conv2d', 'batchnorm', 'elu', 'add', 'global_avg_pool', 'dense']);
  });

  it('folds the batchnorm but keeps the ELU when the batchnorm output is read elsewhere', async () => {
    await check(smallNet((b, _c, bn, act) => b.add('sum', bn, act)), ['conv2d', 'elu', 'add', 'global_avg_pool', 'dense']);
  });
});
