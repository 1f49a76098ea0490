/**
 * What `predict --upright` adds to the time per image: predict's ms for one light-cnn at --size
 * alone against the same with an orientation net at --upright-size (random weights: the time does
 * not depend on them), on one CT slice given --repeat times per run, on --backend. Runs alternate
 * (without, with, ...) for --rounds rounds; prints every run's ms and the medians of the images
 * after the first (the first carries what warm-up leaves).
 *   node --import ./scripts/register-loader.mjs bench/upright-latency.ts [--rounds 7] [--repeat 5] [--size 224] [--upright-size 64] [--backend cpu]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scriptArgs, scriptNumber } from '../src/cli/script-args.ts';
import { withClasses } from '../src/nets/classifier.ts';
import { buildNet } from '../src/nets/index.ts';
import { initialWeights } from '../src/nets/init.ts';
import { encodeModel } from '../src/nets/model-format.ts';
import { PREPROCESSING } from '../src/train/data/preprocess.ts';
import { QUARTER_TURNS } from '../src/train/rotation-batch.ts';
import { median } from './timing.ts';

const SLICE = '/work/shared/data/covid-ct/images/COVID/2020.01.24.919183-p27-132.png';
const options = { rounds: { type: 'string' }, repeat: { type: 'string' }, size: { type: 'string' }, 'upright-size': { type: 'string' }, backend: { type: 'string', default: 'cpu' } } as const;
const { values } = scriptArgs(import.meta.url, { options });
const count = (name: keyof typeof values, fallback: number) => scriptNumber(import.meta.url, name, values[name], fallback, { integer: true, min: 1 });
const [rounds, size, uprightSize] = [count('rounds', 7), count('size', 224), count('upright-size', 64)];
// The first image of each run pays for the model's load; the medians are of the images after it.
const repeat = scriptNumber(import.meta.url, 'repeat', values.repeat, 5, { integer: true, min: 2 });

const dir = mkdtempSync(join(tmpdir(), 'upright-latency-'));
function modelFile(name: string, side: number, classNames: string[]): string {
  const spec = withClasses(buildNet('light-cnn', { size: side }), classNames.length);
  const file = join(dir, `${name}.safetensors`);
  writeFileSync(file, encodeModel(spec, initialWeights(spec, 1), { net: 'light-cnn', inChannels: 1, inputSize: side, preprocessing: { ...PREPROCESSING, size: side }, classNames, training: 'untrained, for timing' }));
  return file;
}
const classifier = modelFile('classifier', size, ['NonCOVID', 'COVID']);
const orientation = modelFile('orientation', uprightSize, [...QUARTER_TURNS]);

const later: Record<string, number[]> = { without: [], with: [] };
for (let r = 0; r < rounds; r++) {
  for (const way of ['without', 'with'] as const) {
    const args = ['bin/covid-ct.mjs', 'predict', '--backend', values.backend, '--json', '--model', classifier, ...(way === 'with' ? ['--upright', orientation] : []), ...Array(repeat).fill(SLICE)];
    const ms = (JSON.parse(execFileSync('node', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { ms: number }[]).map((p) => p.ms);
    later[way].push(...ms.slice(1));
    console.log(`round ${r + 1}/${rounds} ${way.padEnd(7)} upright: ${ms.map((v) => v.toFixed(1)).join(' ')} ms`);
  }
}
const [without, withUpright] = [median(later.without), median(later.with)];
console.log(`${size}×${size} on ${values.backend}, images after the first: median ${without.toFixed(1)} ms without upright, ${withUpright.toFixed(1)} ms with (${uprightSize}×${uprightSize} orientation net), ${(withUpright / without).toFixed(2)} ×`);
