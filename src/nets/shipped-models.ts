/** The shipped model, relative to the project folder (and to the viewer's page): an ensemble of two light-cnn, one trained on whole slices and one on the lungs' box (models/README.md). */
export const SHIPPED_MODELS = ['models/light-cnn-dihedral.safetensors', 'models/light-cnn-dihedral-lung-box.safetensors'] as const;

/** The recipe that makes them, `train`'s default: one model per recipe (`train --recipe A+B`). */
export const SHIPPED_RECIPE = 'dihedral+dihedral-lung-box';
