import { parseArgs } from 'node:util';
import { countParams } from '../nets/graph.ts';
import { loadModelFile } from '../nets/model-file.ts';
import { modelFiles } from './model-path.ts';

export const INFO_HELP = `covid-ct info [--model FILE[,FILE...]] [--json]
  The net, its parameter count and the model file's metadata (by default the shipped model's);
  of an ensemble, each member's. --json: one object, or {"ensemble": [one per member]}.`;

export async function infoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { model: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const summaries = await Promise.all(modelFiles(values.model).map(summaryOf));
  if (values.json) {
    console.log(JSON.stringify(summaries.length === 1 ? summaries[0] : { ensemble: summaries }, null, 2));
    return;
  }
  if (summaries.length > 1) console.log(`an ensemble of ${summaries.length} models: P(COVID) is the mean of theirs\n`);
  console.log(summaries.map(describe).join('\n\n'));
}

async function summaryOf(file: string) {
  const { meta, spec } = await loadModelFile(file);
  return {
    file,
    net: meta.net,
    parameters: countParams(spec),
    batchNormStatistics: countParams(spec, false),
    input: [1, ...spec.inputShape],
    classNames: meta.classNames,
    preprocessing: meta.preprocessing,
    training: meta.training,
  };
}

function describe(s: Awaited<ReturnType<typeof summaryOf>>): string {
  return [
    `${s.file}: ${s.net}, ${s.parameters.toLocaleString('en-US')} trainable parameters (+${s.batchNormStatistics} BN statistics)`,
    `input     [N,${s.input.slice(1).join(',')}] float32`,
    `classes   ${s.classNames.join(', ')}`,
    `preproc   ${JSON.stringify(s.preprocessing)}`,
    `training  ${typeof s.training === 'string' ? s.training : JSON.stringify(s.training)}`,
  ].join('\n');
}
