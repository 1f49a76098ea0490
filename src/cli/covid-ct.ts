/** The `covid-ct` command line: one subcommand per job. */
import { COMPARE_HELP, compareCommand } from './compare.ts';
import { DEMO_HELP, demoCommand } from './demo.ts';
import { EXPORT_ONNX_HELP, exportOnnxCommand } from './export-onnx.ts';
import { CV_HELP, cvCommand } from './cv.ts';
import { EVAL_HELP, evalCommand } from './eval.ts';
import { INFO_HELP, infoCommand } from './info.ts';
import { PREDICT_HELP, predictCommand } from './predict.ts';
import { PRETRAIN_HELP, pretrainCommand } from './pretrain.ts';
import { TRAIN_HELP, trainCommand } from './train.ts';
import { TUNE_HELP, tuneCommand } from './tune.ts';

const COMMANDS: Record<string, { help: string; run: (argv: string[]) => Promise<void> }> = {
  demo: { help: DEMO_HELP, run: demoCommand },
  predict: { help: PREDICT_HELP, run: predictCommand },
  info: { help: INFO_HELP, run: infoCommand },
  pretrain: { help: PRETRAIN_HELP, run: pretrainCommand },
  train: { help: TRAIN_HELP, run: trainCommand },
  eval: { help: EVAL_HELP, run: evalCommand },
  cv: { help: CV_HELP, run: cvCommand },
  tune: { help: TUNE_HELP, run: tuneCommand },
  compare: { help: COMPARE_HELP, run: compareCommand },
  'export-onnx': { help: EXPORT_ONNX_HELP, run: exportOnnxCommand },
};

const usage = () => `usage: covid-ct <command> [options]\n\n${Object.values(COMMANDS).map((c) => c.help).join('\n\n')}`;

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new Error(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return;
  }
  await command.run(rest);
}

// `covid-ct ... | head` closes the pipe early: that ends the output, it is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

// Progress goes to stderr: a reader of it that goes away costs the progress, not the run.
process.stderr.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
});

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`covid-ct: ${err.message}`);
  process.exitCode = 1;
});
