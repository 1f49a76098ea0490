import { cropToBody } from './body-crop.ts';
import type { GrayImage } from './image.ts';
import { cropToLungBox, cropToLungs } from './lung-crop.ts';

/** Where the image's content is, per preprocessing: 'none' takes the whole image, 'body' the body (cropToBody), 'lungs' the lungs alone (cropToLungs), 'lung-box' their box unmasked (cropToLungBox). */
export type Crop = 'none' | 'body' | 'lungs' | 'lung-box';
export const CROPS: readonly Crop[] = ['none', 'body', 'lungs', 'lung-box'];

export function cropFor(image: GrayImage, crop: Crop): GrayImage {
  if (crop === 'body') return cropToBody(image);
  if (crop === 'lung-box') return cropToLungBox(image);
  return crop === 'lungs' ? cropToLungs(image) : image;
}
