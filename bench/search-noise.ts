/**
 * How `covid-ct tune`'s Bayesian search (GP + expected improvement) fares when its scores are
 * noisy, beside random search with the same budget. The function searched is bench/tune-stand-in.ts
 * (lowest error 0.1), each measurement plus Gaussian noise of standard deviation --noise (the
 * validation accuracy of 118 slices moves by about 0.04 between near-equal settings). Both searches
 * keep the attempt with the lowest measured error, as tune does; the table gives that attempt's
 * true error (median and mean over the seeds) and the mean true error of the points each search
 * measured after the random start.
 *   node --import ./scripts/register-loader.mjs bench/search-noise.ts [--seeds 40] [--noise 0,0.04,0.08] [--attempts 30] [--random 5]
 */
import { Progress } from '../src/cli/progress.ts';
import { scriptArgs, scriptNumber } from '../src/cli/script-args.ts';
import { Random } from '../src/runtime/random.ts';
import { proposePoint, type Observation } from '../src/train/bayes-opt.ts';
import { SEARCH_SPACE } from '../src/train/tune-space.ts';
import { median } from './timing.ts';
import { tuneStandIn } from './tune-stand-in.ts';

const url = import.meta.url;
const { values } = scriptArgs(url, { options: { seeds: { type: 'string' }, noise: { type: 'string', default: '0,0.04,0.08' }, attempts: { type: 'string' }, random: { type: 'string' } } });
const seeds = scriptNumber(url, 'seeds', values.seeds, 40, { integer: true, min: 1 });
const attempts = scriptNumber(url, 'attempts', values.attempts, 30, { integer: true, min: 2 });
const random = scriptNumber(url, 'random', values.random, 5, { integer: true, min: 1, below: attempts });
const noises = values.noise.split(',').map((text) => scriptNumber(url, 'noise', text, 0, { min: 0 }));
const dims = SEARCH_SPACE.length;
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

/** The measured points of one search, proposing each with `next` from the history so far. */
function run(next: (history: Observation[]) => number[], noise: Random, sd: number): Observation[] {
  const history: Observation[] = [];
  while (history.length < attempts) {
    const x = next(history);
    history.push({ x, y: tuneStandIn(x) + sd * noise.normal() });
  }
  return history;
}

/** [true error of the attempt measured lowest, mean true error of the attempts after the random start]. */
function judge(history: Observation[]): [number, number] {
  const kept = history.reduce((a, b) => (b.y < a.y ? b : a));
  return [tuneStandIn(kept.x), mean(history.slice(random).map((o) => tuneStandIn(o.x)))];
}

const progress = new Progress(noises.length * seeds);
const rows: string[] = [];
for (const sd of noises) {
  const [bayes, uniform]: [number, number][][] = [[], []];
  for (let seed = 1; seed <= seeds; seed++) {
    bayes.push(judge(run((history) => proposePoint(history, { dims, seed, initialRandom: random }).x, new Random(1000 + seed), sd)));
    // Random search is the search's own random start, run for every attempt.
    uniform.push(judge(run((history) => proposePoint(history, { dims, seed, initialRandom: attempts }).x, new Random(1000 + seed), sd)));
    progress.tick(`noise ${sd}, seed ${seed}`);
  }
  const cells = [bayes, uniform].flatMap((r) => [`${median(r.map((j) => j[0])).toFixed(4)} (${mean(r.map((j) => j[0])).toFixed(4)})`, mean(r.map((j) => j[1])).toFixed(4)]);
  rows.push(`| ${sd} | ${cells.join(' | ')} |`);
}
console.log(`${attempts} attempts, ${random} random, ${seeds} seeds; true error of the attempt kept: median (mean); true error of the attempts after the random start: mean`);
console.log('| noise sd | Bayesian: kept | Bayesian: measured | random: kept | random: measured |');
console.log('|---|---|---|---|---|');
rows.forEach((row) => console.log(row));
