import { fmt } from '../runtime/shape.ts';
import { classifierParams } from './classifier.ts';
import type { GraphSpec } from './graph.ts';
import { initialWeights } from './init.ts';
import { readModelBytes } from './model-file.ts';
import { decodeSafetensors, WeightsFileError } from './safetensors.ts';

/** A layer's name: its parameter names less the last part (fire2.bn.running_mean → fire2.bn). */
const layersOf = (names: readonly string[]): string[] => [...new Set(names.map((name) => name.slice(0, name.lastIndexOf('.'))))];

/**
 * The initial weights of `spec` from a pretrained file (covid-ct pretrain): every parameter and
 * BN statistic from the file, except the classifier's, which keep the seed's fresh initialisation
 * (the file's head learnt another task). Every other parameter must be in the file with its shape.
 */
export async function initFrom(path: string, spec: GraphSpec, seed: number): Promise<{ weights: Map<string, Float32Array>; report: string }> {
  const { tensors, metadata } = decodeSafetensors(await readModelBytes(path, '--init file'), path);
  if (metadata.net !== spec.name) throw new WeightsFileError(path, `holds a ${metadata.net}, not a ${spec.name}`);
  const fresh = classifierParams(spec);
  const weights = initialWeights(spec, seed);
  const taken = spec.params.filter((p) => !fresh.includes(p.name));
  for (const p of taken) {
    const t = tensors.get(p.name);
    if (!t || fmt(t.shape) !== fmt(p.shape)) {
      throw new WeightsFileError(path, `does not fit ${spec.name}: layer ${p.name} ${t ? `has shape ${fmt(t.shape)}` : 'is missing'}, the net needs ${fmt(p.shape)}`);
    }
    weights.set(p.name, t.data);
  }
  return { weights, report: `--init ${path}: took ${layersOf(taken.map((p) => p.name)).join(', ')}; fresh: ${layersOf(fresh).join(', ')}` };
}
