import { cholesky, solveLower, solveUpper } from './cholesky.ts';

/**
 * A Gaussian-process regression surrogate for a handful of expensive measurements.
 *
 * - Inputs are points of the unit cube [0, 1]^d (the caller scales its parameters).
 * - Outputs are standardised (mean 0, standard deviation 1) before fitting, so the kernel's
 *   signal variance is fixed at 1 and the noise variance is relative to it.
 * - Kernel: Matérn 5/2 with one length scale per dimension, k(r) = (1 + √5 r + 5r²/3)·e^(−√5 r),
 *   r² = Σ_d ((a_d − b_d) / ℓ_d)². Rougher than the RBF kernel, which suits a training
 *   run's score better than an infinitely smooth prior.
 * - Hyperparameters (the length scales and, unless fixed, the noise) maximise the log
 *   marginal likelihood by coordinate search over small log-spaced grids: starting from
 *   ℓ = 0.3 everywhere, each sweep tries every grid value for one length scale at a time,
 *   then for the noise, keeping any change that raises the likelihood; three sweeps.
 *   Deterministic, no gradients, and at a few dozen points each fit is a few hundred
 *   small Cholesky factorisations.
 */
export interface GpHyperparameters {
  /** One length scale per input dimension, in unit-cube units. */
  lengthScales: number[];
  /** Observation noise variance in standardised output units (signal variance 1). */
  noise: number;
}

export interface GpFitOptions {
  /** Fix the noise variance (standardised units) instead of choosing it by likelihood; 0 makes the GP interpolate. */
  noise?: number;
}

const LENGTH_SCALE_GRID = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.3, 2, 4];
const NOISE_GRID = [1e-6, 1e-4, 1e-3, 1e-2, 0.05, 0.2];
const START_LENGTH_SCALE = 0.3;
const START_NOISE = 1e-3;
const SWEEPS = 3;
/** Added to the covariance diagonal so that near-duplicate inputs keep it positive definite; the next one is tried while the factorisation fails. */
const JITTERS = [1e-10, 1e-8, 1e-6, 1e-4];

export function matern52(a: readonly number[], b: readonly number[], lengthScales: readonly number[]): number {
  let r2 = 0;
  for (let d = 0; d < a.length; d++) r2 += ((a[d] - b[d]) / lengthScales[d]) ** 2;
  const s = Math.sqrt(5 * r2);
  return (1 + s + (5 * r2) / 3) * Math.exp(-s);
}

interface Factorised {
  chol: Float64Array;
  /** (K + σ²I)⁻¹ z, z the standardised outputs. */
  alpha: Float64Array;
  logLikelihood: number;
}

export class GaussianProcess {
  private constructor(
    private readonly x: readonly number[][],
    private readonly yMean: number,
    private readonly yScale: number,
    readonly hyperparameters: GpHyperparameters,
    private readonly fit: Factorised,
  ) {}

  /** Fits to observations y at unit-cube points x (at least one). */
  static fit(x: readonly number[][], y: readonly number[], options: GpFitOptions = {}): GaussianProcess {
    const n = y.length;
    if (n === 0 || x.length !== n) throw new RangeError(`GaussianProcess.fit: ${x.length} points and ${n} values (need as many, at least one)`);
    const dims = x[0].length;
    const outside = x.find((p) => p.length !== dims || p.some((v) => !(v >= 0 && v <= 1)));
    if (outside) throw new RangeError(`GaussianProcess.fit: point [${outside.join(', ')}] is not in the ${dims}-dimensional unit cube`);
    if (y.some((v) => !Number.isFinite(v))) throw new RangeError('GaussianProcess.fit: every observed value must be finite');
    const yMean = y.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(y.reduce((s, v) => s + (v - yMean) ** 2, 0) / n);
    const yScale = sd > 0 ? sd : 1;
    const z = y.map((v) => (v - yMean) / yScale);

    let best: GpHyperparameters = { lengthScales: new Array(dims).fill(START_LENGTH_SCALE), noise: options.noise ?? START_NOISE };
    let bestFit = factorise(x, z, best);
    const consider = (candidate: GpHyperparameters) => {
      const candidateFit = factorise(x, z, candidate);
      if (candidateFit && (!bestFit || candidateFit.logLikelihood > bestFit.logLikelihood)) [best, bestFit] = [candidate, candidateFit];
    };
    for (let sweep = 0; sweep < SWEEPS; sweep++) {
      for (let d = 0; d < dims; d++) {
        for (const value of LENGTH_SCALE_GRID) consider({ ...best, lengthScales: best.lengthScales.map((l, i) => (i === d ? value : l)) });
      }
      if (options.noise === undefined) for (const noise of NOISE_GRID) consider({ ...best, noise });
    }
    if (!bestFit) throw new Error(`GaussianProcess.fit: the covariance of the ${n} points is not positive definite even with jitter ${JITTERS.at(-1)}`);
    return new GaussianProcess(x, yMean, yScale, best, bestFit);
  }

  get logMarginalLikelihood(): number {
    return this.fit.logLikelihood;
  }

  /** Posterior mean and variance of the noise-free function at a unit-cube point, in the units of the observations. */
  predict(point: readonly number[]): { mean: number; variance: number } {
    const n = this.x.length;
    const k = this.x.map((xi) => matern52(xi, point, this.hyperparameters.lengthScales));
    let mean = 0;
    for (let i = 0; i < n; i++) mean += k[i] * this.fit.alpha[i];
    const v = solveLower(this.fit.chol, n, k);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += v[i] * v[i];
    const variance = Math.max(1 - explained, 0);
    return { mean: this.yMean + this.yScale * mean, variance: this.yScale ** 2 * variance };
  }
}

/** Cholesky of K + (noise + jitter)·I and the log marginal likelihood, or null when no jitter of JITTERS makes it positive definite. */
function factorise(x: readonly number[][], z: readonly number[], { lengthScales, noise }: GpHyperparameters): Factorised | null {
  const n = z.length;
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) k[i * n + j] = k[j * n + i] = matern52(x[i], x[j], lengthScales);
  }
  for (const jitter of JITTERS) {
    const a = k.slice();
    for (let i = 0; i < n; i++) a[i * n + i] += noise + jitter;
    const chol = cholesky(a, n);
    if (!chol) continue;
    const alpha = solveUpper(chol, n, solveLower(chol, n, z));
    let logDet = 0;
    let fitTerm = 0;
    for (let i = 0; i < n; i++) {
      logDet += 2 * Math.log(chol[i * n + i]);
      fitTerm += z[i] * alpha[i];
    }
    return { chol, alpha, logLikelihood: -0.5 * fitTerm - 0.5 * logDet - 0.5 * n * Math.log(2 * Math.PI) };
  }
  return null;
}
