import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../nets/atomic-write.ts';
import type { GraphSpec } from '../nets/graph.ts';
import { DEFAULT_DROPOUT } from '../nets/layers.ts';
import { decodeSafetensors, encodeSafetensors, WeightsFileError, type NamedTensor } from '../nets/safetensors.ts';
import { settingsDifferences, type RunSettings, type TrainingState } from './training-state.ts';

const FORMAT = 'covid-ct-checkpoint/1';
const FILE = 'checkpoint.safetensors';
const GROUPS = ['weights', 'velocity', 'best', 'average'] as const;
type Group = (typeof GROUPS)[number];

/**
 * Everything a run needs to go on after a kill: the state (settings, epochs done, best so far,
 * log), the weights with BN statistics, the SGD velocities, the best weights so far and the
 * running average of the weights (of a recipe that averages them). The
 * random streams need no state of their own: they derive from (seed, epoch, step).
 */
export interface Checkpoint {
  state: TrainingState;
  weights: Map<string, Float32Array>;
  velocities: Map<string, Float32Array>;
  bestWeights: Map<string, Float32Array>;
  /** The running mean of the trainable weights, of a recipe that averages them (weight-average.ts). */
  average?: Map<string, Float32Array>;
}

export const checkpointPath = (dir: string): string => join(dir, FILE);

/** Writes DIR/checkpoint.safetensors atomically: a kill leaves the previous checkpoint or this one. */
export async function saveCheckpoint(dir: string, spec: GraphSpec, checkpoint: Checkpoint): Promise<void> {
  const shapes = new Map(spec.params.map((p) => [p.name, p.shape]));
  const tensors = new Map<string, NamedTensor>();
  const groups: Record<Group, Map<string, Float32Array>> = { weights: checkpoint.weights, velocity: checkpoint.velocities, best: checkpoint.bestWeights, average: checkpoint.average ?? new Map() };
  for (const group of GROUPS) {
    for (const [name, data] of groups[group]) tensors.set(`${group}/${name}`, { shape: shapes.get(name)!, data });
  }
  await writeFileAtomic(checkpointPath(dir), encodeSafetensors(tensors, { format: FORMAT, state: JSON.stringify(checkpoint.state) }));
}

export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const path = checkpointPath(dir);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `there is no checkpoint ${path}` : `cannot read checkpoint ${path}: ${(err as Error).message}`);
  }
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  if (metadata.format !== FORMAT) throw new WeightsFileError(path, `not a training checkpoint (format ${JSON.stringify(metadata.format)}, expected ${FORMAT})`);
  let state: TrainingState;
  try {
    state = JSON.parse(metadata.state ?? '');
  } catch {
    throw new WeightsFileError(path, 'the checkpoint\'s "state" metadata is missing or not JSON');
  }
  // Checkpoints from before dropout was a setting were all trained with the default rate.
  if (state?.settings && !('dropout' in state.settings)) (state.settings as { dropout: number }).dropout = DEFAULT_DROPOUT;
  // Before population statistics, every run kept the moving ones.
  if (state?.settings && !('bnStatistics' in state.settings)) (state.settings as { bnStatistics: string }).bnStatistics = 'moving';
  const groups: Record<Group, Map<string, Float32Array>> = { weights: new Map(), velocity: new Map(), best: new Map(), average: new Map() };
  for (const [key, tensor] of tensors) {
    const slash = key.indexOf('/');
    const group = key.slice(0, slash);
    if (!(GROUPS as readonly string[]).includes(group)) throw new WeightsFileError(path, `unexpected tensor ${key} in a checkpoint`);
    groups[group as Group].set(key.slice(slash + 1), tensor.data);
  }
  return { state, weights: groups.weights, velocities: groups.velocity, bestWeights: groups.best, average: groups.average };
}

/** The checkpoint in dir for --resume, refused (the differences named) when it was made with other settings. */
export async function resumeCheckpoint(dir: string, settings: RunSettings): Promise<Checkpoint> {
  const checkpoint = await loadCheckpoint(dir).catch((err: Error) => {
    err.message = `--resume: ${err.message}`;
    throw err;
  });
  const differences = settingsDifferences(checkpoint.state.settings, settings);
  if (differences.length) throw new Error(`--resume: the checkpoint in ${dir} was made with other settings: ${differences.join('; ')}`);
  return checkpoint;
}

/** Refuses to start over a run's checkpoint without --resume (it would be overwritten), and to resume past the epochs asked for (the flag would be ignored). */
export function checkResumable(dir: string, resume: boolean, epochs: number, checkpoint: Checkpoint | undefined): void {
  if (!resume && existsSync(checkpointPath(dir))) {
    throw new Error(`${checkpointPath(dir)} holds a run: add --resume to go on with it, or give another --checkpoint-dir to start again`);
  }
  if (checkpoint && epochs < checkpoint.state.epoch) throw new Error(`--epochs ${epochs}: the checkpoint in ${dir} is at epoch ${checkpoint.state.epoch} already`);
}
