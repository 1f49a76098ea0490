import type { Net } from '../nets/net.ts';
import { applyOrientation } from './data/exif-orientation.ts';
import { cropBox, type GrayImage } from './data/image.ts';
import { Random } from '../runtime/random.ts';
import { augment } from './augment.ts';
import { predictSet } from './evaluate.ts';
import type { ImageSet } from './image-set.ts';
import type { AugmentSettings } from './recipe.ts';

/** A fixed transform of every image: no randomness, no noise. */
export interface View {
  name: string;
  /** Counter-clockwise, as displayed. */
  degrees: number;
  /** Zoom about the centre: 1.25 keeps the central 80% of each side, enlarged to the full size. */
  zoom: number;
}

/**
 * The robustness check: the validation slices as they are, turned by 90°, cropped, and both,
 * made on each decoded slice before the model's own preparation (viewImage), as another source would deliver it.
 */
export const ROBUSTNESS_VIEWS: readonly View[] = [
  { name: 'original', degrees: 0, zoom: 1 },
  { name: 'rotated 90°', degrees: 90, zoom: 1 },
  { name: 'cropped 80%', degrees: 0, zoom: 1.25 },
  { name: 'rotated 90° + cropped 80%', degrees: 90, zoom: 1.25 },
];

/** Test-time augmentation: the mean P(COVID) over the four quarter turns. */
export const TTA_VIEWS: readonly View[] = [0, 90, 180, 270].map((degrees) => ({ name: `turned ${degrees}°`, degrees, zoom: 1 }));

/** EXIF orientations that turn an image counter-clockwise by 0°, 90°, 180° and 270°. */
const TURN_ORIENTATION = [1, 8, 3, 6];

/** A decoded slice as the view shows it: its central 1/zoom of each side kept (whole pixels), then turned; quarter turns only. */
export function viewImage(image: GrayImage, view: View): GrayImage {
  if (view.degrees % 90 !== 0) throw new RangeError(`view "${view.name}": ${view.degrees}° is not a quarter turn`);
  const width = Math.max(1, Math.round(image.width / view.zoom));
  const height = Math.max(1, Math.round(image.height / view.zoom));
  const [left, top] = [Math.floor((image.width - width) / 2), Math.floor((image.height - height) / 2)];
  return applyOrientation(cropBox(image, { left, top, width, height }), TURN_ORIENTATION[((view.degrees / 90) % 4 + 4) % 4]);
}

/** Every image of the set transformed by the view (bilinear, outside the image is black). */
export function viewSet(set: ImageSet, view: View): ImageSet {
  if (view.degrees === 0 && view.zoom === 1) return set;
  const values = set.x.length / set.count;
  const channels = values / (set.size * set.size);
  const settings: AugmentSettings = { rotationDegrees: [view.degrees, view.degrees], scale: [view.zoom, view.zoom], noiseStd: 0 };
  const x = new Float32Array(set.x.length);
  const rng = new Random(0); // the ranges are single points: the draws change nothing
  for (let i = 0; i < set.count; i++) x.set(augment(set.x.subarray(i * values, (i + 1) * values), channels, set.size, settings, rng), i * values);
  return { ...set, x };
}

/** P(COVID) of every image, averaged over the views (one view: plain inference). */
export async function predictViews(net: Net, set: ImageSet, batch: number, views: readonly View[], onView?: (view: View) => void): Promise<Float32Array> {
  const mean = new Float32Array(set.count);
  for (const view of views) {
    const { pCovid } = await predictSet(net, viewSet(set, view), batch);
    for (let i = 0; i < set.count; i++) mean[i] += pCovid[i] / views.length;
    onView?.(view);
  }
  return mean;
}
