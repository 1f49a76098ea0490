import { NET_NAMES } from '../src/nets/index.ts';
import type { BenchMode, Env, Impl } from './bench-schema.ts';
import type { TimingPlan } from './latency.ts';

/** Which cases a run has and how long each is timed. */
export interface BenchPreset {
  nets: string[];
  /** Batch sizes of the inference cases, per environment. */
  batches: Record<Env, number[]>;
  /** Batch sizes for the peers whose single image takes seconds here (see SLOW_PEERS). */
  slowPeerBatches: number[];
  trainBatch: number;
  trainEnvs: Env[];
  timing: TimingPlan;
  /** Whether the cases of ONCE run (timed once) or are listed as not run. */
  runsSlowCases: boolean;
}

export const FULL: BenchPreset = {
  nets: [...NET_NAMES],
  batches: { node: [1, 8, 32], chromium: [1, 8, 32] },
  slowPeerBatches: [1, 8, 32],
  trainBatch: 16,
  trainEnvs: ['node', 'chromium'],
  timing: { warmup: 1, minRepeats: 3, maxRepeats: 10, budgetMs: 20_000 },
  runsSlowCases: true,
};

/**
 * CI smoke run, under 5 minutes on the 2-core machine even when it is busy: light-cnn only;
 * batches 1 and 8 in Node, 1 in Chromium; slow peers at batch 1; a training step of one image, in Node.
 */
export const QUICK: BenchPreset = {
  nets: ['light-cnn'],
  batches: { node: [1, 8], chromium: [1] },
  slowPeerBatches: [1],
  trainBatch: 1,
  trainEnvs: ['node'],
  timing: { warmup: 1, minRepeats: 3, maxRepeats: 5, budgetMs: 2_000 },
  runsSlowCases: false,
};

export interface PlannedCase {
  impl: Impl;
  backend: string;
  net: string;
  batch: number;
  mode: BenchMode;
  env: Env;
  /** Set when the case is listed but not run, saying why. */
  skip?: string;
  /** Set when the case is timed by one run (ONCE), saying why. */
  once?: string;
}

type Runs = readonly (readonly [Impl, string])[];

const INFER: Record<Env, Runs> = {
  node: [['ours', 'webgpu'], ['ours', 'cpu'], ['ort-node', 'cpu'], ['tfjs', 'cpu']],
  chromium: [['ours', 'webgpu'], ['ours', 'cpu'], ['ort-web', 'wasm'], ['ort-web', 'webgpu'], ['tfjs', 'wasm'], ['tfjs', 'webgpu']],
};

const TRAIN: Record<Env, Runs> = {
  node: [['ours', 'webgpu'], ['ours', 'cpu'], ['tfjs', 'cpu']],
  chromium: [['ours', 'webgpu'], ['ours', 'cpu'], ['tfjs', 'webgpu'], ['tfjs', 'wasm']],
};

/** Seconds per image on this machine (SwiftShader for WebGPU): these run at slowPeerBatches only. */
const SLOW_PEERS = new Set(['tfjs/cpu', 'tfjs/webgpu', 'ort-web/webgpu']);

/**
 * Cases whose one run takes many minutes here, with why and the batch they are timed at: the full
 * run times them once, without a warm-up (latency.ts ONE_RUN), for light-cnn only (the other nets
 * share its trunk), and ours on the same backend at that batch beside them; --quick lists them as not run.
 */
const ONCE: Readonly<Record<string, { why: string; batch: number }>> = {
  'tfjs/cpu/train': { why: "tfjs-backend-cpu's Conv2DBackpropFilter makes a step of 16 images run past 105 minutes here, so it is timed on one image", batch: 1 },
};

function slowCase(why: string | undefined, preset: BenchPreset, net: string): Pick<PlannedCase, 'skip' | 'once'> {
  if (why === undefined) return {};
  if (!preset.runsSlowCases) return { skip: `not run by --quick: ${why}` };
  if (net !== 'light-cnn') return { skip: `not run: timed for light-cnn only, whose trunk this net shares; ${why}` };
  return { once: `timed once, without a warm-up: ${why}` };
}

export function planCases(preset: BenchPreset, envs: readonly Env[], withPeers: boolean): PlannedCase[] {
  const cases: PlannedCase[] = [];
  for (const env of envs) {
    for (const net of preset.nets) {
      for (const [impl, backend] of INFER[env]) {
        if (impl !== 'ours' && !withPeers) continue;
        const batches = SLOW_PEERS.has(`${impl}/${backend}`) ? preset.batches[env].filter((b) => preset.slowPeerBatches.includes(b)) : preset.batches[env];
        for (const batch of batches) cases.push({ impl, backend, net, batch, mode: 'infer', env });
      }
      if (!preset.trainEnvs.includes(env)) continue;
      for (const [impl, backend] of TRAIN[env]) {
        if (impl !== 'ours' && !withPeers) continue;
        const slow = ONCE[`${impl}/${backend}/train`];
        const planned = slowCase(slow?.why, preset, net);
        const batch = planned.once ? slow!.batch : preset.trainBatch;
        cases.push({ impl, backend, net, batch, mode: 'train', env, ...planned });
        if (batch !== preset.trainBatch) cases.push({ impl: 'ours', backend, net, batch, mode: 'train', env });
      }
    }
  }
  return cases;
}

/** The largest inference batch of each net: its reference probabilities serve every smaller batch. */
export function referenceBatches(cases: readonly PlannedCase[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of cases) if (c.mode === 'infer' && !c.skip) out.set(c.net, Math.max(out.get(c.net) ?? 0, c.batch));
  return out;
}
