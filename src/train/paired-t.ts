// The paired t-test that judges one recipe against another over the same cross-validation
// folds: the folds' differences, their mean, the two-sided p-value of t with n − 1 degrees of
// freedom, and the 95% confidence interval of the mean difference. The folds' training sets
// overlap (each pair of a 10-fold CV shares 8/9 of its slices), so their differences are not
// independent and Student's test is too sure; the corrected resampled t of Nadeau & Bengio
// (2003) widens the variance for that.

export interface PairedT {
  n: number;
  meanDifference: number;
  sdDifference: number;
  t: number;
  p: number;
  ci95: [number, number];
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    for (const num of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(|T| ≥ |t|) for Student's t with df degrees of freedom. */
export function twoSidedP(t: number, df: number): number {
  return Number.isFinite(t) ? incompleteBeta(df / (df + t * t), df / 2, 0.5) : 0;
}

/** The q with P(|T| ≥ q) = alpha, by bisection. */
export function tQuantile(alpha: number, df: number): number {
  let [lo, hi] = [0, 1e4];
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (twoSidedP(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The paired t-test of differences (b − a per fold); needs at least two. With `testToTrain`, the
 * held-out slices per training slice of a fold, the standard error is Nadeau and Bengio's,
 * sd · √(1/n + testToTrain); 0 gives Student's, sd / √n. Differences with no spread leave t
 * undefined (±∞), and its p of 0 would call two folds that each gained one slice certain; their p
 * is the exact sign-flip test's instead: of the 2^n ways to flip the folds' signs, only the two
 * that leave them all alike are as extreme, p = 2 / 2^n.
 */
export function pairedT(differences: readonly number[], testToTrain = 0): PairedT {
  const n = differences.length;
  if (n < 2) throw new Error(`a paired t-test needs at least 2 paired folds, got ${n}`);
  const mean = differences.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(differences.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  // Rounding leaves a spread of an ulp or so in differences that are equal.
  const spread = sd > 1e-12 * Math.abs(mean);
  const se = spread ? sd * Math.sqrt(1 / n + testToTrain) : 0;
  const t = spread ? mean / se : mean === 0 ? 0 : Math.sign(mean) * Infinity;
  const half = tQuantile(0.05, n - 1) * se;
  return { n, meanDifference: mean, sdDifference: sd, t, p: spread ? twoSidedP(t, n - 1) : mean === 0 ? 1 : 2 ** (1 - n), ci95: [mean - half, mean + half] };
}
