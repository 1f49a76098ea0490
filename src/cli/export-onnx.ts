import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelFile } from '../nets/model-file.ts';
import { exportOnnx } from '../nets/onnx-export.ts';
import { writeOnnxFile } from '../nets/onnx-file.ts';
import { modelFiles } from './model-path.ts';

export const EXPORT_ONNX_HELP = `covid-ct export-onnx [--model FILE] --out model.onnx
  Of one model file, the shipped model by default (of an ensemble, export each member's file).
  Writes a standard ONNX model (opset 17): input "input" [N,C,H,W] float32, already
  preprocessed; output "probabilities" [N,2] in the order of the "classNames" metadata.`;

export async function exportOnnxCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { model: { type: 'string' }, out: { type: 'string' } } });
  if (!values.out) throw new Error(`export-onnx needs --out FILE\n${EXPORT_ONNX_HELP}`);
  const [file, ...others] = modelFiles(values.model);
  if (others.length) throw new Error(`export-onnx writes one net, and ${values.model === undefined ? 'the shipped model' : '--model'} is an ensemble of ${others.length + 1} (${[file, ...others].join(', ')}); give --model with one of them (each records in its metadata how it prepares the images)`);
  // An ONNX file under a .safetensors name would replace a model, the shipped one by default.
  if (values.out.endsWith('.safetensors') || resolve(values.out) === resolve(file)) throw new Error(`--out ${values.out}: an ONNX file would replace a model file there; give a .onnx file`);
  const { meta, spec, weights } = await loadModelFile(file);
  const bytes = exportOnnx(spec, weights, {
    classNames: meta.classNames,
    net: meta.net,
    sourceModel: file,
    preprocessing: JSON.stringify(meta.preprocessing),
    training: JSON.stringify(meta.training),
  });
  await writeOnnxFile(values.out, bytes);
  console.error(`wrote ${values.out} (${(bytes.length / 1e6).toFixed(1)} MB, ${meta.net}, opset 17)`);
}
