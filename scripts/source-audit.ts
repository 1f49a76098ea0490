/**
 * Which file formats (a trace of each slice's source) each class of COVID-CT comes in, and,
 * given cross-validation results, how well the held-out slices of each class and format were
 * classified. A format that only one class has is a shortcut a net may learn instead of the lungs.
 * With --by white, the slices are grouped instead by the share of their body (cropToBody) that is
 * near white (above 0.95 of the range): how the source displayed them (its window), not the lungs.
 * With --by marks, by whether the file carries coloured marks (arrows, circles and letters drawn on a
 * published figure: pixels whose RGB channels differ by more than a quarter of the range; CT is gray).
 *
 * Usage: node --import ./scripts/register-loader.mjs scripts/source-audit.ts [--data DIR] [--splits train,val]
 *          [--by format|white|marks] [--cv runs/X/cv.json ...]
 * With several --cv files, a slice's P(COVID) is the mean over them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodeJpeg } from 'jpeg-js';
import { scriptArgs } from '../src/cli/script-args.ts';
import type { CvResults } from '../src/train/cv-results.ts';
import { pngSamples } from '../src/train/data/decode-png.ts';
import { loadImageFile } from '../src/train/data/load-image-file.ts';
import { WHITE_BINS, whiteBin, whiteShare } from '../src/train/data/white-share.ts';

const { values } = scriptArgs(import.meta.url, {
  options: { data: { type: 'string', default: '/work/shared/data/covid-ct' }, splits: { type: 'string', default: 'train,val' }, by: { type: 'string', default: 'format' }, cv: { type: 'string', multiple: true, default: [] } },
});
const splits = new Set(values.splits.split(','));
if (!['format', 'white', 'marks'].includes(values.by)) throw new Error(`--by must be format, white or marks, got ${values.by}`);

/** "white 10-25%": the bin of the share of the body's pixels above 0.95. */
async function whiteShareBin(path: string): Promise<string> {
  const bin = whiteBin(whiteShare(await loadImageFile(path)));
  return `white ${String(100 * WHITE_BINS[bin]).padStart(2)}-${bin + 1 < WHITE_BINS.length ? 100 * WHITE_BINS[bin + 1] : 100}%`;
}

/** "marked" when more than 0.05% of the pixels are coloured (max − min of R, G, B above a quarter of the range). */
function marks(bytes: Uint8Array, file: string): string {
  const { samples, channels, max } = bytes[0] === 0x89 ? pngSamples(bytes, file) : jpegSamples(bytes);
  if (channels < 3) return 'unmarked';
  let coloured = 0;
  for (let i = 0; i < samples.length; i += channels) {
    const [r, g, b] = [samples[i], samples[i + 1], samples[i + 2]];
    if (Math.max(r, g, b) - Math.min(r, g, b) > max / 4) coloured++;
  }
  return coloured / (samples.length / channels) > 0.0005 ? 'marked' : 'unmarked';
}
function jpegSamples(bytes: Uint8Array) {
  const image = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: false });
  return { samples: image.data, channels: image.data.length / (image.width * image.height), max: 255 };
}

/** "png gray", "png rgba", "jpeg 3-ch", ... from the file's header. */
function format(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return `png ${({ 0: 'gray', 2: 'rgb', 3: 'palette', 4: 'gray+alpha', 6: 'rgba' } as Record<number, string>)[bytes[25]] ?? bytes[25]}`;
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let i = 2; i + 9 < bytes.length; ) {
      if (bytes[i] !== 0xff) return 'jpeg ?';
      const marker = bytes[i + 1];
      if (marker >= 0xc0 && marker <= 0xc2) return `jpeg ${bytes[i + 9]}-ch`;
      i += 2 + ((bytes[i + 2] << 8) | bytes[i + 3]);
    }
  }
  return 'other';
}

const pCovid = new Map<string, number[]>();
for (const file of values.cv) {
  const results = JSON.parse(readFileSync(file, 'utf8')) as CvResults;
  for (const fold of results.folds) fold.result?.pCovid.forEach((p, i) => pCovid.set(fold.images[i], [...(pCovid.get(fold.images[i]) ?? []), p]));
}

const groups = new Map<string, { count: number; scored: number; right: number }>();
for (const line of readFileSync(join(values.data, 'meta.csv'), 'utf8').trim().split(/\r?\n/).slice(1)) {
  const [path, label, , split] = line.split(',');
  if (!splits.has(split)) continue;
  const file = join(values.data, 'images', path);
  const key = `${label.padEnd(9)} ${values.by === 'white' ? await whiteShareBin(file) : values.by === 'marks' ? marks(readFileSync(file), file) : format(readFileSync(file))}`;
  const group = groups.get(key) ?? { count: 0, scored: 0, right: 0 };
  group.count++;
  const ps = pCovid.get(path);
  if (ps) {
    group.scored++;
    if (ps.reduce((s, p) => s + p, 0) / ps.length > 0.5 === (label === 'COVID')) group.right++;
  }
  groups.set(key, group);
}
console.log(`class     ${values.by.padEnd(15)} slices${values.cv.length ? '  held-out accuracy' : ''}`);
for (const [key, g] of [...groups].sort()) {
  console.log(`${key.padEnd(25)} ${String(g.count).padStart(6)}${g.scored ? `  ${(g.right / g.scored).toFixed(3)} of ${g.scored}` : ''}`);
}
