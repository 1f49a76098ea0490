import { zerosLike, type Arr } from '../host-tensor.ts';

/** x viewed as [batch, channels, plane]: element (n, c, j) is x[(n·channels + c)·plane + j]. */
export interface BnDims {
  batch: number;
  channels: number;
  plane: number;
}

export interface BatchStats {
  mean: Arr;
  /** 1 / sqrt(biased variance + eps): what normalises the batch. */
  invStd: Arr;
  /** Unbiased variance (divided by count − 1): what the running variance tracks. */
  unbiasedVar: Arr;
}

/** Calls f(index) for every element of channel c. */
function eachInChannel(d: BnDims, c: number, f: (i: number) => void): void {
  for (let n = 0; n < d.batch; n++) {
    const base = (n * d.channels + c) * d.plane;
    for (let j = 0; j < d.plane; j++) f(base + j);
  }
}

/** Per-channel batch statistics, mean first and then squared deviations (no E[x²] − E[x]² cancellation). */
export function batchStats(x: Arr, d: BnDims, eps: number): BatchStats {
  const mean = zerosLike(x, d.channels);
  const invStd = zerosLike(x, d.channels);
  const unbiasedVar = zerosLike(x, d.channels);
  const count = d.batch * d.plane;
  for (let c = 0; c < d.channels; c++) {
    let sum = 0;
    eachInChannel(d, c, (i) => (sum += x[i]));
    const m = sum / count;
    let squares = 0;
    eachInChannel(d, c, (i) => (squares += (x[i] - m) * (x[i] - m)));
    mean[c] = m;
    invStd[c] = 1 / Math.sqrt(squares / count + eps);
    unbiasedVar[c] = squares / (count - 1);
  }
  return { mean, invStd, unbiasedVar };
}

export function runningInvStd(runningVar: Arr, eps: number): Arr {
  const invStd = zerosLike(runningVar, runningVar.length);
  for (let c = 0; c < runningVar.length; c++) invStd[c] = 1 / Math.sqrt(runningVar[c] + eps);
  return invStd;
}

/** running ← (1 − momentum)·running + momentum·batch, in place. */
export function updateRunning(running: Arr, batch: Arr, momentum: number): void {
  for (let c = 0; c < running.length; c++) running[c] = (1 - momentum) * running[c] + momentum * batch[c];
}

/** y = (x − mean)·invStd·gamma + beta, per channel. */
export function bnNormalize(x: Arr, d: BnDims, mean: Arr, invStd: Arr, gamma: Arr, beta: Arr): Arr {
  const y = zerosLike(x, x.length);
  for (let c = 0; c < d.channels; c++) {
    eachInChannel(d, c, (i) => (y[i] = (x[i] - mean[c]) * invStd[c] * gamma[c] + beta[c]));
  }
  return y;
}

/** dgamma = Σ dy·x̂ and dbeta = Σ dy per channel, with x̂ = (x − mean)·invStd. */
export function bnAffineGrads(x: Arr, dy: Arr, d: BnDims, mean: Arr, invStd: Arr): { dgamma: Arr; dbeta: Arr } {
  const dgamma = zerosLike(x, d.channels);
  const dbeta = zerosLike(x, d.channels);
  for (let c = 0; c < d.channels; c++) {
    let sumDy = 0;
    let sumDyXhat = 0;
    eachInChannel(d, c, (i) => {
      sumDy += dy[i];
      sumDyXhat += dy[i] * (x[i] - mean[c]) * invStd[c];
    });
    dgamma[c] = sumDyXhat;
    dbeta[c] = sumDy;
  }
  return { dgamma, dbeta };
}

/**
 * Training mode, where mean and invStd depend on x:
 * dx = gamma·invStd·(dy − (dbeta + x̂·dgamma) / count).
 */
export function bnInputGradTraining(x: Arr, dy: Arr, d: BnDims, mean: Arr, invStd: Arr, gamma: Arr, dgamma: Arr, dbeta: Arr): Arr {
  const dx = zerosLike(x, x.length);
  const count = d.batch * d.plane;
  for (let c = 0; c < d.channels; c++) {
    eachInChannel(d, c, (i) => {
      const xhat = (x[i] - mean[c]) * invStd[c];
      dx[i] = gamma[c] * invStd[c] * (dy[i] - (dbeta[c] + xhat * dgamma[c]) / count);
    });
  }
  return dx;
}

/** Inference mode, where the statistics are constants: dx = dy·gamma·invStd. */
export function bnInputGradInference(dy: Arr, d: BnDims, invStd: Arr, gamma: Arr): Arr {
  const dx = zerosLike(dy, dy.length);
  for (let c = 0; c < d.channels; c++) {
    eachInChannel(d, c, (i) => (dx[i] = dy[i] * gamma[c] * invStd[c]));
  }
  return dx;
}
