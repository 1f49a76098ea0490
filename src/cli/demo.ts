import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NoAdapterError } from '../runtime/gpu/device.ts';
import { predictCommand } from './predict.ts';

export const SAMPLES_DIR = 'src/viewer/samples';

export const DEMO_HELP = `covid-ct demo [--model FILE] [--out DIR]
  The main job of \`npm start\`: classifies the bundled sample slices (${SAMPLES_DIR}) with the
  shipped model on WebGPU and on the CPU, and writes CAM overlays to DIR (demo-output).`;

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { model: { type: 'string' }, out: { type: 'string', default: 'demo-output' } } });
  if (!existsSync(SAMPLES_DIR)) throw new Error(`the sample slices ${SAMPLES_DIR} are not found from ${process.cwd()} (run from the project folder)`);
  const samples = readdirSync(SAMPLES_DIR).filter((f) => /\.(png|jpe?g|dcm)$/i.test(f)).sort().map((f) => join(SAMPLES_DIR, f));
  const model = values.model ? ['--model', values.model] : [];
  for (const backend of ['webgpu', 'cpu']) {
    console.log(`\n${backend}:`);
    await predictCommand([...samples, ...model, '--backend', backend, '--cam', values.out]).catch((err) => {
      if (!(err instanceof NoAdapterError)) throw err;
      console.log(`not run: ${err.message}`);
    });
  }
  console.log(`\nCAM overlays in ${values.out}/; the viewer: npm run viewer; the kernel self-check: npm run selfcheck`);
}
