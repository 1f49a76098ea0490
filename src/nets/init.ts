import type { Backend } from '../runtime/backend.ts';
import { Random } from '../runtime/random.ts';
import { fmt, sizeOf } from '../runtime/shape.ts';
import type { GraphSpec } from './graph.ts';
import { Net } from './net.ts';

/** He-normal initial values (std √(2/fan-in)) and constants, reproducible from the seed. */
export function initialWeights(spec: GraphSpec, seed: number): Map<string, Float32Array> {
  const rng = new Random(seed);
  const weights = new Map<string, Float32Array>();
  for (const p of spec.params) {
    const n = sizeOf(p.shape);
    weights.set(p.name, p.init.kind === 'he' ? rng.normals(n, Math.sqrt(2 / p.init.fanIn)) : new Float32Array(n).fill(p.init.value));
  }
  return weights;
}

/** Uploads named weights to `backend`; every parameter of the net must be present with its exact size. */
export function netFromWeights(spec: GraphSpec, backend: Backend, weights: ReadonlyMap<string, Float32Array>): Net {
  const params = new Map(
    spec.params.map((p) => {
      const data = weights.get(p.name);
      if (!data) throw new Error(`${spec.name}: no weights for parameter ${p.name} ${fmt(p.shape)}`);
      if (data.length !== sizeOf(p.shape)) {
        throw new Error(`${spec.name}: weights for ${p.name} have ${data.length} values, shape ${fmt(p.shape)} needs ${sizeOf(p.shape)}`);
      }
      return [p.name, backend.tensor(p.shape, data)] as const;
    }),
  );
  return new Net(spec, backend, params);
}

export const createNet = (spec: GraphSpec, backend: Backend, seed = 1): Net => netFromWeights(spec, backend, initialWeights(spec, seed));
