/**
 * Where the robustness check's crop costs a cross-validation's fold models their accuracy: each
 * held-out slice is scored by its fold's model as it is and cropped to its central 80% (the
 * check's "cropped 80%" view, made on the decoded slice as `eval --robustness` makes it), and the
 * slices are grouped by whether that crop cuts into their lungs' bounding box (findLungs) by
 * more than 5% of its width or height. A loss confined to the cut slices is lung tissue the view
 * takes away; a loss spread over both groups is the enlargement itself.
 *
 * Usage: node --import ./scripts/register-loader.mjs scripts/crop-loss-audit.ts --models runs/cv-X
 *          [--data /work/shared/data/covid-ct] [--backend cpu]
 */
import { scriptArgs } from '../src/cli/script-args.ts';
import { heldOutGroups } from '../src/cli/ensemble.ts';
import { Progress } from '../src/cli/progress.ts';
import { inferenceNet } from '../src/nets/fold-batchnorm.ts';
import { createBackend, type BackendChoice } from '../src/runtime/create-backend.ts';
import { cropToBody } from '../src/train/data/body-crop.ts';
import { namedImages } from '../src/train/data/dataset.ts';
import type { GrayImage } from '../src/train/data/image.ts';
import { loadImageFile } from '../src/train/data/load-image-file.ts';
import { findLungs } from '../src/train/data/lung-crop.ts';
import { resolveDataDir } from '../src/train/data-source.ts';
import { predictSet } from '../src/train/evaluate.ts';
import { loadImageSet } from '../src/train/image-set.ts';
import { ROBUSTNESS_VIEWS, viewImage } from '../src/train/views.ts';

const { values } = scriptArgs(import.meta.url, {
  options: { models: { type: 'string' }, data: { type: 'string', default: '/work/shared/data/covid-ct' }, backend: { type: 'string', default: 'cpu' } },
});
const CROPPED = ROBUSTNESS_VIEWS[2];

async function main(): Promise<void> {
  if (!values.models) throw new Error('--models DIR (a cv --out-dir) is required (--help for the usage)');
  const { root } = resolveDataDir(values.data);
  const groups = await heldOutGroups(values.models);
  const backend = await createBackend(values.backend as BackendChoice, { notice: (line) => console.error(line) });
  const tally = new Map<string, { slices: number; plain: number; cropped: number }>();
  const progress = new Progress(groups.reduce((n, [m]) => n + m.heldOut!.length, 0));
  for (const [member] of groups) {
    const net = inferenceNet(member.spec, backend, member.weights);
    const size = member.spec.inputShape[1];
    for (const entry of await namedImages(root, member.heldOut!, `${values.models}/cv.json`)) {
      progress.tick(entry.path);
      const image = await loadImageFile(entry.path).catch((err: Error) => void console.error(`skipped ${entry.path}: ${err.message}`));
      if (!image) continue;
      const right = async (sourceView?: (source: GrayImage) => GrayImage) => {
        const { set } = await loadImageSet([entry], { size, crop: member.crop, normalise: member.normalise, sourceView });
        const { pCovid } = await predictSet(net, set, 1);
        return pCovid[0] > 0.5 === (set.labels[0] === 1) ? 1 : 0;
      };
      const key = `${entry.label.padEnd(9)} ${lungsCut(image)}`;
      const row = tally.get(key) ?? { slices: 0, plain: 0, cropped: 0 };
      row.slices++;
      row.plain += await right();
      row.cropped += await right((source) => viewImage(source, CROPPED));
      tally.set(key, row);
    }
    net.dispose();
  }
  backend.dispose();
  console.log(`${'class     lungs'.padEnd(26)} slices  accuracy as they are  cropped 80%  change`);
  for (const [key, { slices, plain, cropped }] of [...tally].sort()) {
    console.log(`${key.padEnd(26)} ${String(slices).padStart(6)}  ${(plain / slices).toFixed(3).padStart(20)}  ${(cropped / slices).toFixed(3).padStart(11)}  ${((cropped - plain) / slices).toFixed(3).padStart(6)}`);
  }
}

/** "cut" when the check's crop loses more than 5% of the lungs' box in width or height, "whole" when not, "not found" without lungs. */
function lungsCut(image: GrayImage): string {
  const plain = findLungs(cropToBody(image));
  if (!plain) return 'not found';
  const cropped = findLungs(cropToBody(viewImage(image, CROPPED)));
  return !cropped || cropped.width < 0.95 * plain.width || cropped.height < 0.95 * plain.height ? 'cut' : 'whole';
}

main().catch((err) => {
  console.error(`crop-loss-audit: ${(err as Error).message}`);
  process.exit(1);
});
