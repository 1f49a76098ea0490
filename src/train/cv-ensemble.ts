import { sameHeldOut, summarise, type CvResults, type CvSettings, type FoldRecord } from './cv-results.ts';
import { CLASS_NAMES, isClassName } from './data/classes.ts';
import { binaryMetrics } from './metrics.ts';

/** A held-out image's class index from its path under the data set's root (CLASS/file). */
function labelOf(image: string, path: string): number {
  const name = image.split('/')[0];
  if (!isClassName(name)) throw new Error(`${path}: held-out image ${image} is under none of ${CLASS_NAMES.join(', ')}, so its label is unknown`);
  return CLASS_NAMES.indexOf(name);
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
    for (const m of members) {
      if (!sameHeldOut(fold, m.results.folds[k])) {
        throw new Error(`ensemble: fold ${k + 1} holds out different slices in ${first.path} and ${m.path} (different data, --folds, or the deal: --seed or --deal): only CVs of the same folds can be averaged`);
      }
    }
    if (members.some((m) => !m.results.folds[k].result)) return { images: fold.images, patients: fold.patients, result: null };
    const unscored = members.find((m) => m.results.folds[k].result!.pCovid?.length !== fold.images.length);
    if (unscored) throw new Error(`ensemble: fold ${k + 1} of ${unscored.path} has no P(COVID) for each held-out slice, so it cannot be averaged`);
    // each member's P(COVID) by image: a member may list the fold's images in another order
    const byImage = members.map((m) => new Map(m.results.folds[k].images.map((image, i) => [image, m.results.folds[k].result!.pCovid[i]])));
    const pCovid = fold.images.map((image) => byImage.reduce((s, p) => s + p.get(image)!, 0) / members.length);
    const labels = fold.images.map((image) => labelOf(image, first.path));
    const result = { trainImages: fold.result!.trainImages, seconds: members.reduce((s, m) => s + m.results.folds[k].result!.seconds, 0), metrics: binaryMetrics(labels, pCovid), pCovid };
    return { images: fold.images, patients: fold.patients, result };
  });
  return { ...first.results, command: members.map((m) => m.results.command).join(' + '), settings: joinedSettings(members, '+'), folds, summary: summarise(folds) };
}

/** The settings of several CVs: those they share as they are, the others' values joined by `separator` (recipe "dihedral+paper"). */
export function joinedSettings(members: readonly { results: CvResults }[], separator: string): CvSettings {
  const settingsOf = (m: (typeof members)[number]) => m.results.settings as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(settingsOf(members[0])).map((key) => {
      const values = members.map((m) => settingsOf(m)[key]);
      const shared = values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
      return [key, shared ? values[0] : values.map((v) => String(v ?? 'none')).join(separator)];
    }),
  ) as unknown as CvSettings;
}
