import { parseArgs } from 'node:util';
import { countParams } from '../nets/graph.ts';
import { loadModelFile } from '../nets/model-file.ts';
import { modelPath } from './model-path.ts';

export const INFO_HELP = `covid-ct info [--model FILE] [--json]
  The net, its parameter count and the model file's metadata.`;

export async function infoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { model: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const file = modelPath(values.model);
  const { meta, spec } = await loadModelFile(file);
  const summary = {
    file,
    net: meta.net,
    parameters: countParams(spec),
    batchNormStatistics: countParams(spec, false),
    input: [1, ...spec.inputShape],
    classNames: meta.classNames,
    preprocessing: meta.preprocessing,
    training: meta.training,
  };
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(`${file}: ${meta.net}, ${summary.parameters.toLocaleString('en-US')} trainable parameters (+${summary.batchNormStatistics} BN statistics)`);
  console.log(`input     [N,${spec.inputShape.join(',')}] float32`);
  console.log(`classes   ${meta.classNames.join(', ')}`);
  console.log(`preproc   ${JSON.stringify(meta.preprocessing)}`);
  console.log(`training  ${typeof meta.training === 'string' ? meta.training : JSON.stringify(meta.training)}`);
}
