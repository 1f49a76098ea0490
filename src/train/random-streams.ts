import { Random } from '../runtime/random.ts';
import { CLASS_NAMES } from './data/classes.ts';

/** What a derived stream is for: each purpose draws its own numbers for the same epoch and step. */
const PURPOSE = { shuffle: 1, augment: 2, dropout: 3, folds: 4, proposal: 5, mixup: 6, balanced: 7, population: 8 } as const;

/**
 * Every random number of a training run comes from a stream whose seed is a pure function of
 * (run seed, purpose, epoch, step), never from a generator carried from step to step. So the
 * randomness of any step can be recreated without replaying the ones before it, and a run
 * resumed from a checkpoint draws exactly what the uninterrupted run would have drawn.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = finalMix((seed ^ 0x5bd1e995) >>> 0);
  for (const part of parts) h = finalMix((h ^ Math.imul(part >>> 0, 0xcc9e2d51)) + 0x9e3779b9);
  return h;
}

/** MurmurHash3's 32-bit finaliser: every input bit flips about half of the output bits. */
function finalMix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The order in which epoch `epoch` visits `n` training images (Fisher–Yates). */
export function epochOrder(seed: number, epoch: number, n: number): number[] {
  return shuffled(new Random(deriveSeed(seed, PURPOSE.shuffle, epoch)), n);
}

/** One fixed order of `n` images, the same for every run, in which the population BN statistics are taken. */
export function populationOrder(n: number): number[] {
  return shuffled(new Random(deriveSeed(0, PURPOSE.population)), n);
}

function shuffled(rng: Random, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * An epoch's `labels.length` training images drawn with replacement so that in every group both
 * classes come up equally often and each group as often as it holds images: an image of class c
 * in group g weighs n_g / (2 · n_g,c); a group with one class keeps weight 1 per image. So
 * membership of a group (a source's white share, say) tells the net nothing about the class.
 */
export function balancedOrder(seed: number, epoch: number, labels: ArrayLike<number>, groups: ArrayLike<number>): number[] {
  const classes = CLASS_NAMES.length;
  const [inGroup, inCell] = [new Map<number, number>(), new Map<number, number>()];
  const cell = (i: number) => groups[i] * classes + labels[i];
  for (let i = 0; i < labels.length; i++) {
    inGroup.set(groups[i], (inGroup.get(groups[i]) ?? 0) + 1);
    inCell.set(cell(i), (inCell.get(cell(i)) ?? 0) + 1);
  }
  const cumulative = new Float64Array(labels.length);
  for (let i = 0, total = 0; i < labels.length; i++) {
    const [group, own] = [inGroup.get(groups[i])!, inCell.get(cell(i))!];
    cumulative[i] = total += group === own ? 1 : group / (classes * own);
  }
  const rng = new Random(deriveSeed(seed, PURPOSE.balanced, epoch));
  return Array.from(labels, () => {
    const target = rng.next() * cumulative[cumulative.length - 1];
    let lo = 0;
    for (let hi = cumulative.length - 1; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

/** The generator the augmentation of one step's batch draws from. */
export const augmentRandom = (seed: number, epoch: number, step: number): Random => new Random(deriveSeed(seed, PURPOSE.augment, epoch, step));

/** The generator of one step's mixup weight and pairing. */
export const mixupRandom = (seed: number, epoch: number, step: number): Random => new Random(deriveSeed(seed, PURPOSE.mixup, epoch, step));

/** The seed that picks one step's dropout masks. */
export const dropoutSeed = (seed: number, epoch: number, step: number): number => deriveSeed(seed, PURPOSE.dropout, epoch, step);

/** The generator that breaks ties when cross-validation folds are assigned. */
export const foldsRandom = (seed: number): Random => new Random(deriveSeed(seed, PURPOSE.folds));

/** The generator hyperparameter search attempt `attempt` (0-based) draws its proposal from, so a resumed search proposes what the uninterrupted one would have. */
export const proposalRandom = (seed: number, attempt: number): Random => new Random(deriveSeed(seed, PURPOSE.proposal, attempt));
