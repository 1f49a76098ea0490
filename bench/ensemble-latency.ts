/**
 * `covid-ct predict`'s per-image ms on the cpu backend for one model against an ensemble of
 * --members models (random light-cnn weights: the time does not depend on them), at --size,
 * on one CT slice given --repeat times per run. Runs alternate (one, ensemble, one, ...) for
 * --rounds rounds; prints every run's ms and the medians of the first image and of the rest.
 *   node --import ./scripts/register-loader.mjs bench/ensemble-latency.ts [--rounds 9] [--repeat 1] [--members 10] [--size 112]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scriptArgs } from '../src/cli/script-args.ts';
import { buildNet } from '../src/nets/index.ts';
import { initialWeights } from '../src/nets/init.ts';
import { encodeModel } from '../src/nets/model-format.ts';
import { PREPROCESSING } from '../src/train/data/preprocess.ts';
import { median } from './timing.ts';

const SLICE = '/work/shared/data/covid-ct/images/COVID/2020.01.24.919183-p27-132.png';
const { values } = scriptArgs(import.meta.url, { options: { rounds: { type: 'string', default: '9' }, repeat: { type: 'string', default: '1' }, members: { type: 'string', default: '10' }, size: { type: 'string', default: '112' } } });
const [rounds, repeat, members, size] = [values.rounds, values.repeat, values.members, values.size].map(Number);

const dir = mkdtempSync(join(tmpdir(), 'ensemble-latency-'));
const spec = buildNet('light-cnn', { size });
const files = Array.from({ length: members }, (_, i) => {
  const file = join(dir, `m${i + 1}.safetensors`);
  const meta = { net: 'light-cnn', inChannels: 1, inputSize: size, preprocessing: { ...PREPROCESSING, size }, classNames: ['NonCOVID', 'COVID'], training: 'untrained, for timing' };
  writeFileSync(file, encodeModel(spec, initialWeights(spec, i + 1), meta));
  return file;
});

const runs: Record<string, number[][]> = { 1: [], [members]: [] };
for (let r = 0; r < rounds; r++) {
  for (const k of [1, members]) {
    const args = ['bin/covid-ct.mjs', 'predict', '--backend', 'cpu', '--json', '--model', files.slice(0, k).join(','), ...Array(repeat).fill(SLICE)];
    const ms = (JSON.parse(execFileSync('node', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { ms: number }[]).map((p) => p.ms);
    runs[k].push(ms);
    console.log(`${String(k).padStart(3)} member${k === 1 ? ' ' : 's'}: ${ms.map((v) => v.toFixed(1)).join(' ')} ms`);
  }
}
for (const k of [1, members]) {
  const rest = runs[k].flatMap((ms) => ms.slice(1));
  console.log(`${k} member${k === 1 ? '' : 's'}: first image median ${median(runs[k].map((ms) => ms[0])).toFixed(1)} ms${rest.length ? `, later images median ${median(rest).toFixed(1)} ms` : ''}`);
}
