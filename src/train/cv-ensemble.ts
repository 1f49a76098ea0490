import { summarise, type CvResults, type CvSettings, type FoldRecord } from './cv-results.ts';
import { binaryMetrics } from './metrics.ts';

/** A held-out image's label from its path under the data set's root (CLASS/file): 1 for COVID. */
function labelOf(image: string, path: string): number {
  if (image.startsWith('COVID/')) return 1;
  if (image.startsWith('NonCOVID/')) return 0;
  throw new Error(`${path}: held-out image ${image} is under neither COVID/ nor NonCOVID/, so its label is unknown`);
}

/**
 * The cross-validation of an ensemble of cross-validations run on the same folds: each held-out
 * slice scored by the mean P(COVID) of the members' models of its fold, as `eval --models A,B
 * --held-out` scores it, and each fold's metrics recomputed from those means. A fold is finished
 * where every member finished it. Settings the members share are kept; the others are joined
 * with "+" (recipe "dihedral+dihedral-lung-box").
 */
export function ensembleCv(members: readonly { path: string; results: CvResults }[]): CvResults {
  const [first] = members;
  const other = members.find((m) => m.results.folds.length !== first.results.folds.length);
  if (other) throw new Error(`ensemble: ${first.path} has ${first.results.folds.length} folds and ${other.path} ${other.results.folds.length}: only CVs of the same folds can be averaged`);
  const folds: FoldRecord[] = first.results.folds.map((fold, k) => {
    const images = [...fold.images].sort();
    for (const m of members) {
      const theirs = [...m.results.folds[k].images].sort();
      if (theirs.length !== images.length || theirs.some((image, i) => image !== images[i])) {
        throw new Error(`ensemble: fold ${k + 1} holds out different slices in ${first.path} and ${m.path} (different data, --folds or --seed): only CVs of the same folds can be averaged`);
      }
    }
    if (members.some((m) => !m.results.folds[k].result)) return { images: fold.images, patients: fold.patients, result: null };
    const unscored = members.find((m) => m.results.folds[k].result!.pCovid?.length !== fold.images.length);
    if (unscored) throw new Error(`ensemble: fold ${k + 1} of ${unscored.path} has no P(COVID) for each held-out slice, so it cannot be averaged`);
    const pCovid = fold.images.map((image) => {
      const sum = members.reduce((s, m) => s + m.results.folds[k].result!.pCovid[m.results.folds[k].images.indexOf(image)], 0);
      return sum / members.length;
    });
    const labels = fold.images.map((image) => labelOf(image, first.path));
    const result = { trainImages: fold.result!.trainImages, seconds: members.reduce((s, m) => s + m.results.folds[k].result!.seconds, 0), metrics: binaryMetrics(labels, pCovid), pCovid };
    return { images: fold.images, patients: fold.patients, result };
  });
  const settingsOf = (m: (typeof members)[number]) => m.results.settings as unknown as Record<string, unknown>;
  const settings = Object.fromEntries(
    Object.keys(settingsOf(first)).map((key) => {
      const values = members.map((m) => settingsOf(m)[key]);
      const shared = values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
      return [key, shared ? values[0] : values.map((v) => String(v ?? 'none')).join('+')];
    }),
  ) as unknown as CvSettings;
  return { ...first.results, command: members.map((m) => m.results.command).join(' + '), settings, folds, summary: summarise(folds) };
}
