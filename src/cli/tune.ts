import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../nets/atomic-write.ts';
import { createBackend } from '../runtime/create-backend.ts';
import { listTrainVal, resolveDataDir } from '../train/data-source.ts';
import { recipeByName } from '../train/recipe.ts';
import { tune } from '../train/tune.ts';
import { SEARCH_SPACE, searchSpace, type Hyperparameters } from '../train/tune-space.ts';
import { bestAttempt, readTuneLog, tuneSettingsDifferences, type Attempt, type TuneSettings } from '../train/tune-log.ts';
import { backendFlag } from './backend-flag.ts';
import { bnStatsFlag, bnStatsHelp } from './bn-stats-flag.ts';
import { loadImagesReporting } from './load-images.ts';
import { HYPERPARAMETER_RULES, numberFlag } from './number-flag.ts';
import { Progress } from './progress.ts';
import { sizeFlag } from './size-flag.ts';

export const TUNE_HELP = `covid-ct tune --data DIR [--attempts 30] [--random 5] [--recipe paper] [--epochs 20] [--size 224] [--batch 16]
               [--limit N] [--seed 1] [--lr V] [--momentum V] [--l2 V] [--dropout V]
               [--bn-stats population] [--backend auto]
               [--log runs/tune.jsonl] [--resume]
  Bayesian search for the paper's three SGD settings and the dropout rate: log10 learning rate
  in [-4, -1], momentum in [0.5, 0.99], log10 L2 in [-6, -2], dropout in [0, 0.7]. The first --random attempts are seeded random points;
  then a Gaussian process (Matérn 5/2) fitted to the validation error of the attempts so far
  proposes the point of highest expected improvement. Each attempt trains light-cnn with the
  recipe (--recipe, default paper) on the train split from the same initial weights and seed for exactly --epochs
  epochs, and is scored by the validation accuracy of its final weights (the best of its
  epochs would favour the settings whose accuracy swings most on 118 validation slices).
  Values are rounded to 3 significant digits. Prints the best attempt and the covid-ct train
  command with its settings (which trains the same weights, then keeps its best epoch).
  --data      the data set folder (images/ and splits/train.txt, splits/val.txt)
  --epochs, --size, --limit N (first N images of each class of each split): the budget of
              one attempt, so that a search fits a laptop
  --lr, --momentum, --l2, --dropout   pin that setting at V: the search varies the others only
              (--lr 0.01 --momentum 0.9 searches L2 and dropout); a log from before dropout was searched pinned it at 0.5
${bnStatsHelp(14)}
  --log       one JSON line per finished attempt: attempt, proposedBy, lr, momentum, l2, dropout,
              valAccuracy, val (all metrics), trainLoss, diverged, seconds, settings
  --resume    go on with the log (--attempts may grow); an attempt cut off by a kill goes on
              from its last epoch's checkpoint (next to the log); the settings must be the same`;

const OPTIONS = {
  data: { type: 'string' },
  attempts: { type: 'string' },
  random: { type: 'string' },
  recipe: { type: 'string', default: 'paper' },
  epochs: { type: 'string' },
  size: { type: 'string' },
  batch: { type: 'string' },
  limit: { type: 'string' },
  seed: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  l2: { type: 'string' },
  dropout: { type: 'string' },
  'bn-stats': { type: 'string' },
  backend: { type: 'string', default: 'auto' },
  log: { type: 'string', default: join('runs', 'tune.jsonl') },
  resume: { type: 'boolean', default: false },
} as const;

const NET = 'light-cnn';

export async function tuneCommand(argv: string[]): Promise<void> {
  const { values: flags } = parseArgs({ args: argv, options: OPTIONS });
  const backendChoice = backendFlag(flags.backend);
  if (!flags.data) throw new Error(`--data DIR is required\n${TUNE_HELP}`);
  const recipe = recipeByName(flags.recipe);
  const data = resolveDataDir(flags.data);
  if (!data.trainList || !data.valList) throw new Error(`--data ${flags.data} has no splits/train.txt and splits/val.txt: the search trains on one and scores on the other`);
  const attempts = numberFlag('attempts', flags.attempts, 30, { integer: true, min: 1 });
  const settings: TuneSettings = {
    net: NET,
    recipe: recipe.name,
    root: data.root,
    trainList: data.trainList,
    valList: data.valList,
    size: sizeFlag(flags.size),
    epochs: numberFlag('epochs', flags.epochs, recipe.epochs, { integer: true, min: 1 }),
    batch: numberFlag('batch', flags.batch, recipe.batch, { integer: true, min: 1 }),
    lr: pinnedFlag('lr', flags.lr),
    momentum: pinnedFlag('momentum', flags.momentum),
    l2: pinnedFlag('l2', flags.l2),
    dropout: pinnedFlag('dropout', flags.dropout),
    limit: flags.limit === undefined ? null : numberFlag('limit', flags.limit, 0, { integer: true, min: 1 }),
    seed: numberFlag('seed', flags.seed, 1, { integer: true, min: 0, below: 2 ** 32 }),
    bnStatistics: bnStatsFlag(flags['bn-stats']),
    random: numberFlag('random', flags.random, 5, { integer: true, min: 1 }),
  };
  if (!searchSpace(settings).length) throw new Error('--lr, --momentum, --l2 and --dropout pin every setting: nothing is left to search (covid-ct train trains with them)');
  const logFile = flags.log;
  const history = flags.resume ? await readTuneLog(logFile) : [];
  for (const attempt of history) {
    const differences = tuneSettingsDifferences(attempt.settings, settings);
    if (!differences.length) continue;
    const pins = searchSpace(settings).filter(({ name }) => attempt.settings[name] !== null).map(({ name }) => `--${name} ${attempt.settings[name]}`);
    const hint = pins.length ? ` (that search pinned what this one searches; go on with it with ${pins.join(' ')})` : '';
    throw new Error(`--resume: attempt ${attempt.attempt} of ${logFile} was made with other settings: ${differences.join('; ')}${hint}`);
  }
  if (!flags.resume && existsSync(logFile)) throw new Error(`${logFile} already holds a search: add --resume to go on with it, or choose another --log`);

  const listed = await listTrainVal(settings.root, settings.trainList, settings.valList, settings.limit ?? undefined);
  const train = await loadImagesReporting('training images', listed.train, { size: settings.size, crop: recipe.crop, normalise: recipe.normalise });
  const val = await loadImagesReporting('validation images', listed.val, { size: settings.size, crop: recipe.crop, normalise: recipe.normalise });
  await mkdir(dirname(logFile), { recursive: true });
  if (!flags.resume) await writeFileAtomic(logFile, '');

  const backend = await createBackend(backendChoice, { notice: (line) => console.error(line) });
  console.error(
    `searching ${searchSpace(settings).map((d) => d.name).join(', ')}${pinnedText(settings)} for ${NET} at ${settings.size}×${settings.size} on ${backend.description}: ${train.count} training and ${val.count} validation images, ` +
      `${settings.epochs} epochs an attempt, ${attempts} attempts (${settings.random} random first)${history.length ? `; ${history.length} already done` : ''}`,
  );
  let progress: Progress | undefined;
  try {
    await tune({
      backend, recipe, settings, train, val, attempts, history, logFile,
      checkpointDir: join(dirname(logFile), `${basename(logFile, '.jsonl')}-checkpoint`),
      resume: flags.resume,
      onStart: (steps) => (progress = new Progress(steps)),
      onStep: (label) => progress?.tick(label),
      onSkip: (steps) => progress?.skip(steps),
      onAttempt: (a) => console.error(`attempt ${a.attempt}/${attempts} (${a.proposedBy}): ${describe(a)} → ${a.diverged ?? `validation accuracy ${a.valAccuracy?.toFixed(4)}`}, ${a.seconds.toFixed(1)} s`),
    });
  } finally {
    backend.dispose();
  }
  const best = bestAttempt(history);
  if (!best) throw new Error(`every one of the ${history.length} attempts diverged: see ${logFile}`);
  console.log(`best: attempt ${best.attempt} of ${history.length}, validation accuracy ${best.valAccuracy!.toFixed(4)} (${describe(best)})`);
  console.log(`train it: ${trainCommandLine(flags.data, settings, best)}`);
}

const pinnedFlag = (name: keyof Hyperparameters, text: string | undefined): number | null => (text === undefined ? null : numberFlag(name, text, 0, HYPERPARAMETER_RULES[name]));

function pinnedText(s: TuneSettings): string {
  const pinned = SEARCH_SPACE.filter(({ name }) => s[name] !== null).map(({ name }) => `${name} ${s[name]}`);
  return pinned.length ? ` (pinned: ${pinned.join(', ')})` : '';
}

const describe = (a: Attempt): string => `lr ${a.lr}, momentum ${a.momentum}, l2 ${a.l2}, dropout ${a.dropout}`;

function trainCommandLine(data: string, s: TuneSettings, best: Attempt): string {
  const limit = s.limit === null ? [] : ['--limit', s.limit];
  return ['covid-ct', 'train', '--data', data, '--net', s.net, '--recipe', s.recipe, '--epochs', s.epochs, '--size', s.size, '--batch', s.batch,
    '--lr', best.lr, '--momentum', best.momentum, '--l2', best.l2, '--dropout', best.dropout, '--bn-stats', s.bnStatistics, '--seed', s.seed, ...limit].join(' ');
}
