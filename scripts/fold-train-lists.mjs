// Writes, for each fold of a cv --out-dir, the list (CLASS/file lines) of the images the fold
// trained on: every other fold's. For training a per-fold model beside the CV's, such as the
// orientation nets of eval --upright (`pretrain --pretext rotation --train-list OUT/fold-NN.txt`).
// Usage: node scripts/fold-train-lists.mjs CV_DIR OUT_DIR
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [cvDir, outDir] = process.argv.slice(2);
if (!cvDir || !outDir) throw new Error('usage: node scripts/fold-train-lists.mjs CV_DIR OUT_DIR');
const { folds } = JSON.parse(readFileSync(join(cvDir, 'cv.json'), 'utf8'));
mkdirSync(outDir, { recursive: true });
for (const [k, fold] of folds.entries()) {
  const file = join(outDir, `fold-${String(k + 1).padStart(2, '0')}.txt`);
  const others = folds.filter((_, j) => j !== k).flatMap((f) => f.images);
  writeFileSync(`${file}.tmp`, `${others.join('\n')}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`${file}: ${others.length} images (fold ${k + 1} holds out ${fold.images.length})`);
}
