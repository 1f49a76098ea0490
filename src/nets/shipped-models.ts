/** The shipped model, relative to the project folder (and to the viewer's page): one light-cnn trained on whole slices with quarter turns and mirroring (models/README.md). */
export const SHIPPED_MODELS = ['models/light-cnn.safetensors'] as const;

/** The recipe that makes it, `train`'s default. */
export const SHIPPED_RECIPE = 'dihedral';
