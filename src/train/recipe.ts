import { DEFAULT_DROPOUT } from '../nets/layers.ts';
import type { Crop } from './data/crop.ts';
import type { Normalise } from './data/normalise.ts';
import type { SgdSettings } from './train-step.ts';

/** Random changes made to each training image at every step (see augment.ts). */
export interface AugmentSettings {
  /** Rotation angle, drawn uniformly from [min, max] degrees, counter-clockwise as displayed. */
  rotationDegrees: readonly [number, number];
  /** Zoom factor about the centre, drawn uniformly from [min, max]; above 1 crops in. */
  scale: readonly [number, number];
  /** σ of the additive Gaussian noise, in units of the normalised input (1 = one std of the training pixels). */
  noiseStd: number;
  /** Adds a quarter turn (0°, 90°, 180° or 270°, equally likely) to the rotation. */
  quarterTurns?: boolean;
  /** Mirrors left and right half of the time. */
  mirror?: boolean;
  /** Shifts by up to this fraction of the image size, drawn uniformly, along each axis. */
  shift?: number;
  /** Contrast factor about the image's mean intensity, drawn uniformly from [min, max]. */
  contrast?: readonly [number, number];
  /** Gamma on the [0, 1] intensities, drawn log-uniformly from [min, max]. */
  gamma?: readonly [number, number];
  /**
   * Half of the time, the [0, 1] intensities divided by a level drawn uniformly from [min, max]
   * and clamped at 1: everything brighter than the level turns white, as in a source that showed the body saturated.
   */
  whiteLevel?: readonly [number, number];
}

/** A named set of training settings; command-line flags override the SGD settings, epochs and batch. */
export interface Recipe {
  name: string;
  /** The preprocessing crop the model is trained with, and records for prediction. */
  crop: Crop;
  /** The input normalisation the model is trained with, and records for prediction (normalise.ts). */
  normalise: Normalise;
  augment: AugmentSettings;
  sgd: SgdSettings;
  /** The learning rate is multiplied by `factor` after every `everyEpochs` epochs. */
  lrDecay: { factor: number; everyEpochs: number };
  epochs: number;
  batch: number;
  /** ε of label smoothing: the loss's target is (1 − ε)·onehot + ε/classes. */
  labelSmoothing: number;
  /** α of mixup: each batch's images and labels are blended with weight λ ~ Beta(α, α); 0 is off. */
  mixup: number;
  /** The rate of the net's dropout before the classifier (--dropout overrides it). */
  dropout: number;
  /**
   * How an epoch picks its images: 'shuffle', each once; 'white-balanced', drawn with replacement
   * so that both classes are equally common at every white share of the body (balancedOrder), the
   * loss then unweighted.
   */
  sampling: 'shuffle' | 'white-balanced';
  /**
   * The result is the mean of the weights after each of the last `averageLast` epochs (stochastic
   * weight averaging), with BN statistics estimated for it, instead of the last epoch's; 0 is off.
   * No epoch is then selected on validation images.
   */
  averageLast: number;
}

/**
 * The paper's recipe (§2.1, §3). The paper tuned its initial learning rate, momentum and L2
 * by Bayesian optimisation and does not print the values it found; ours are the usual SGD
 * starting point for a BatchNorm net. Noise σ 0.05 normalised units is 0.016 of the [0, 1]
 * intensity range, about 4 grey levels of 255: visible in flat regions, small next to the
 * contrast of lung texture.
 */
export const PAPER_RECIPE: Recipe = {
  name: 'paper',
  crop: 'none',
  normalise: 'dataset',
  augment: { rotationDegrees: [0, 90], scale: [1.1, 1.3], noiseStd: 0.05 },
  sgd: { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 },
  lrDecay: { factor: 0.8, everyEpochs: 5 },
  epochs: 20,
  batch: 16,
  labelSmoothing: 0,
  mixup: 0,
  dropout: DEFAULT_DROPOUT,
  sampling: 'shuffle',
  averageLast: 0,
};

/**
 * The paper's recipe with the augmentation CT slices from other sources call for: any
 * orientation (quarter turns on top of the 0–90° rotation, and mirroring), tighter or looser
 * crops (zoom 1.0–1.4, shifts of up to 8%), and other scanners' windows (contrast and gamma).
 */
export const ROBUST_RECIPE: Recipe = {
  ...PAPER_RECIPE,
  name: 'robust',
  augment: { rotationDegrees: [0, 90], scale: [1.0, 1.4], noiseStd: 0.05, quarterTurns: true, mirror: true, shift: 0.08, contrast: [0.75, 1.33], gamma: [0.7, 1.4] },
};

/** The robust recipe on slices cropped to the body (cropToBody): no frame, no panel letters in it. */
export const ROBUST_CROP_RECIPE: Recipe = { ...ROBUST_RECIPE, name: 'robust-crop', crop: 'body' };

/** The robust recipe with label smoothing 0.1: no slice's label is taken as certain. */
export const ROBUST_SMOOTH_RECIPE: Recipe = { ...ROBUST_RECIPE, name: 'robust-smooth', labelSmoothing: 0.1 };

/** The robust recipe with mixup, α 0.2 (the value Zhang et al. used for ImageNet). */
export const ROBUST_MIXUP_RECIPE: Recipe = { ...ROBUST_RECIPE, name: 'robust-mixup', mixup: 0.2 };

/**
 * The robust recipe with half of the slices' bright parts turned white (white level 0.5–0.9):
 * held-out slices were called COVID by how much of their body was white (scripts/source-audit.ts
 * --by white), a trace of each source's window that this takes from the NonCOVID slices too.
 */
export const ROBUST_WHITE_RECIPE: Recipe = { ...ROBUST_RECIPE, name: 'robust-white', augment: { ...ROBUST_RECIPE.augment, whiteLevel: [0.5, 0.9] } };

/** The robust recipe with each slice standardised by its own mean and std: brightness and window no longer matter. */
export const ROBUST_NORM_RECIPE: Recipe = { ...ROBUST_RECIPE, name: 'robust-norm', normalise: 'image' };

/** The robust recipe with each slice histogram-equalised (rankEqualise): no window, level or gamma of a source survives. */
export const ROBUST_RANK_RECIPE: Recipe = { ...ROBUST_RECIPE, name: 'robust-rank', normalise: 'rank' };

/** The robust recipe on the lungs alone (cropToLungs): no body around them, so no source's rendering of it. */
export const ROBUST_LUNGS_RECIPE: Recipe = { ...ROBUST_RECIPE, name: 'robust-lungs', crop: 'lungs' };

/**
 * The robust recipe with the white-share cue taken out of the training draw: slices whose body
 * is mostly white were mostly COVID (scripts/source-audit.ts --by white); here each white-share
 * bin gives as many COVID as NonCOVID draws, so the cue no longer predicts the label in training.
 */
export const ROBUST_BALANCED_RECIPE: Recipe = { ...ROBUST_RECIPE, name: 'robust-balanced', sampling: 'white-balanced' };

/**
 * The paper's recipe without augmentation: the check that its augmentation earns its place.
 * On the train split, with L2 and dropout off too, the net fits its training slices (0.97 by
 * epoch 11), where the augmented recipes end at 0.65–0.81: the augmentation, not the net, holds it back.
 */
export const PAPER_UNAUGMENTED_RECIPE: Recipe = { ...PAPER_RECIPE, name: 'paper-unaugmented', augment: { rotationDegrees: [0, 0], scale: [1, 1], noiseStd: 0 } };

/**
 * Any orientation by quarter turns and mirroring, which keep the pixel grid, with only small
 * free rotations (±10°), zoom 1.0–1.2 and shifts of up to 5%, instead of the paper's 0–90°
 * rotations. Its nets underfit as much as the paper's and score no better (docs/results.md).
 */
export const MILD_RECIPE: Recipe = {
  ...PAPER_RECIPE,
  name: 'mild',
  augment: { rotationDegrees: [-10, 10], scale: [1.0, 1.2], noiseStd: 0.05, quarterTurns: true, mirror: true, shift: 0.05 },
};

/**
 * Only the two changes the robustness check makes: any quarter turn (and mirroring) and a zoom
 * of up to 1.25 (the check's crop to the central 80%). No free rotation, noise or shift: without
 * augmentation the nets scored their unaltered held-out slices better than with the paper's, and
 * lost 9–12 points on turned or cropped ones (docs/results.md).
 */
export const TURNS_RECIPE: Recipe = {
  ...PAPER_RECIPE,
  name: 'turns',
  augment: { rotationDegrees: [0, 0], scale: [1.0, 1.25], noiseStd: 0, quarterTurns: true, mirror: true },
};

/**
 * The paper's recipe whose only augmentation is a zoom of 1.0–1.25 (the robustness check's crop):
 * `turns` adds quarter turns and mirroring to it and loses the unaugmented nets' gain; this
 * separates the zoom's part in that loss from the orientation's.
 */
export const ZOOM_RECIPE: Recipe = { ...PAPER_RECIPE, name: 'zoom', augment: { rotationDegrees: [0, 0], scale: [1.0, 1.25], noiseStd: 0 } };

/**
 * paper-unaugmented on slices cropped to the body (cropToBody): no frame, border or panel letter
 * of a published figure around it. Tells whether the unaugmented nets' gain comes from the body or from its framing.
 */
export const PAPER_UNAUGMENTED_CROP_RECIPE: Recipe = { ...PAPER_UNAUGMENTED_RECIPE, name: 'paper-unaugmented-crop', crop: 'body' };

/**
 * Quarter turns and mirroring alone (the eight ways a slice can be shown on the pixel grid): `turns`
 * without its zoom, which took the unaugmented nets' gain (`zoom`); asks whether the orientation costs it too.
 */
export const DIHEDRAL_RECIPE: Recipe = { ...PAPER_UNAUGMENTED_RECIPE, name: 'dihedral', augment: { ...PAPER_UNAUGMENTED_RECIPE.augment, quarterTurns: true, mirror: true } };

/** dihedral on slices cropped to the body: the crop, not a zoom, sets the scale the net sees. */
export const DIHEDRAL_CROP_RECIPE: Recipe = { ...DIHEDRAL_RECIPE, name: 'dihedral-crop', crop: 'body' };

/** dihedral on slices cut to the lungs' box (lungBox): the lungs, not the frame, set the scale, so a crop that leaves them whole changes nothing. */
export const DIHEDRAL_LUNG_BOX_RECIPE: Recipe = { ...DIHEDRAL_RECIPE, name: 'dihedral-lung-box', crop: 'lung-box' };

/** paper-unaugmented on the lungs' box: keeps the unaugmented nets' fit, takes away the framing a crop changes. */
export const PAPER_UNAUGMENTED_LUNG_BOX_RECIPE: Recipe = { ...PAPER_UNAUGMENTED_RECIPE, name: 'paper-unaugmented-lung-box', crop: 'lung-box' };

/**
 * dihedral and dihedral-lung-box with their weights averaged over the last 10 of 20 epochs: the
 * shipped members' validation accuracy swung between 0.56 and 0.81 over those epochs
 * (models/*.train.jsonl); a mean of ten such nets may smooth that away at no cost in inference.
 */
export const DIHEDRAL_SWA_RECIPE: Recipe = { ...DIHEDRAL_RECIPE, name: 'dihedral-swa', averageLast: 10 };
export const DIHEDRAL_LUNG_BOX_SWA_RECIPE: Recipe = { ...DIHEDRAL_LUNG_BOX_RECIPE, name: 'dihedral-lung-box-swa', averageLast: 10 };

/** dihedral with label smoothing 0.1: at 112 the nearest thing to a gain on robust (+0.042, p 0.084, seed 2). */
export const DIHEDRAL_SMOOTH_RECIPE: Recipe = { ...DIHEDRAL_RECIPE, name: 'dihedral-smooth', labelSmoothing: 0.1 };

/** dihedral with mixup α 0.2, as robust-mixup mixes robust: at 224 it scored below dihedral (−0.042, p 0.072; docs/results.md). */
export const DIHEDRAL_MIXUP_RECIPE: Recipe = { ...DIHEDRAL_RECIPE, name: 'dihedral-mixup', mixup: 0.2 };

const ALL_RECIPES: readonly Recipe[] = [
  PAPER_RECIPE, ROBUST_RECIPE, ROBUST_CROP_RECIPE, ROBUST_SMOOTH_RECIPE, ROBUST_MIXUP_RECIPE, ROBUST_NORM_RECIPE, ROBUST_WHITE_RECIPE,
  ROBUST_LUNGS_RECIPE, ROBUST_RANK_RECIPE, ROBUST_BALANCED_RECIPE, PAPER_UNAUGMENTED_RECIPE, MILD_RECIPE, TURNS_RECIPE, ZOOM_RECIPE,
  PAPER_UNAUGMENTED_CROP_RECIPE, DIHEDRAL_RECIPE, DIHEDRAL_CROP_RECIPE, DIHEDRAL_LUNG_BOX_RECIPE,
  PAPER_UNAUGMENTED_LUNG_BOX_RECIPE, DIHEDRAL_SWA_RECIPE, DIHEDRAL_LUNG_BOX_SWA_RECIPE, DIHEDRAL_SMOOTH_RECIPE, DIHEDRAL_MIXUP_RECIPE,
];

export const RECIPES: Readonly<Record<string, Recipe>> = Object.fromEntries(ALL_RECIPES.map((r) => [r.name, r]));

export function recipeByName(name: string): Recipe {
  const recipe = RECIPES[name];
  if (!recipe) throw new Error(`unknown recipe "${name}" (known: ${Object.keys(RECIPES).join(', ')})`);
  return recipe;
}

/** The learning rate of epoch `epoch` (1-based): epochs 1–5 use `initial`, 6–10 use 0.8 × it, and so on. */
export function learningRate(recipe: Recipe, initial: number, epoch: number): number {
  const { factor, everyEpochs } = recipe.lrDecay;
  return initial * factor ** Math.floor((epoch - 1) / everyEpochs);
}
