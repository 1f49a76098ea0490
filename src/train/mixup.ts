import type { Random } from '../runtime/random.ts';

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000); a shape below 1 is boosted to shape + 1 and
 * scaled back by U^(1/shape).
 */
function gamma(rng: Random, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * (1 - rng.next()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) as G_a / (G_a + G_b). */
export function betaSample(rng: Random, a: number, b: number): number {
  const ga = gamma(rng, a);
  return ga / (ga + gamma(rng, b));
}

/** One batch's mixup (Zhang et al. 2018): image i is blended with image partner[i] of the same batch. */
export interface MixPlan {
  /** Weight of each image's own content and label; 1 − lambda goes to its partner's. */
  lambda: number;
  partner: number[];
}

/** λ ~ Beta(alpha, alpha) and a random pairing of the batch's `count` images. */
export function planMix(rng: Random, alpha: number, count: number): MixPlan {
  const lambda = betaSample(rng, alpha, alpha);
  const partner = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [partner[i], partner[j]] = [partner[j], partner[i]];
  }
  return { lambda, partner };
}

/** λ·x_i + (1 − λ)·x_partner[i] for each image of `x` ([count, values] flattened). */
export function mixImages(x: Float32Array, values: number, plan: MixPlan): Float32Array {
  const out = new Float32Array(x.length);
  const { lambda, partner } = plan;
  partner.forEach((p, i) => {
    for (let v = 0; v < values; v++) out[i * values + v] = lambda * x[i * values + v] + (1 - lambda) * x[p * values + v];
  });
  return out;
}
