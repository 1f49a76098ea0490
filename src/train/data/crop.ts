import { bodyBox } from './body-crop.ts';
import { cropBox, type Box, type Cropped, type GrayImage } from './image.ts';
import { cropToLungs, lungBox } from './lung-crop.ts';

const boxed = (image: GrayImage, box: Box): Cropped => ({ image: cropBox(image, box), box });

/** Where the image's content is, per preprocessing: the whole image, the body, the lungs alone (the rest black), or the lungs' box unmasked. */
const CROP_FUNCTIONS = {
  none: (image: GrayImage): Cropped => ({ image, box: { left: 0, top: 0, width: image.width, height: image.height } }),
  body: (image: GrayImage) => boxed(image, bodyBox(image)),
  lungs: cropToLungs,
  'lung-box': (image: GrayImage) => boxed(image, lungBox(image)),
};
export type Crop = keyof typeof CROP_FUNCTIONS;
export const CROPS = Object.keys(CROP_FUNCTIONS) as readonly Crop[];

export const croppedFor = (image: GrayImage, crop: Crop): Cropped => CROP_FUNCTIONS[crop](image);
export const cropFor = (image: GrayImage, crop: Crop): GrayImage => croppedFor(image, crop).image;
