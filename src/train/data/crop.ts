import { cropToBody } from './body-crop.ts';
import type { GrayImage } from './image.ts';
import { cropToLungBox, cropToLungs } from './lung-crop.ts';

/** Where the image's content is, per preprocessing: the whole image, the body, the lungs alone (the rest black), or the lungs' box unmasked. */
const CROP_FUNCTIONS = { none: (image: GrayImage) => image, body: cropToBody, lungs: cropToLungs, 'lung-box': cropToLungBox };
export type Crop = keyof typeof CROP_FUNCTIONS;
export const CROPS = Object.keys(CROP_FUNCTIONS) as readonly Crop[];

export const cropFor = (image: GrayImage, crop: Crop): GrayImage => CROP_FUNCTIONS[crop](image);
