import { cropToBody } from './body-crop.ts';
import type { GrayImage } from './image.ts';
import { cropToLungs } from './lung-crop.ts';

/** Where the image's content is, per preprocessing: 'none' takes the whole image, 'body' the body (cropToBody), 'lungs' the lungs alone (cropToLungs). */
export type Crop = 'none' | 'body' | 'lungs';
export const CROPS: readonly Crop[] = ['none', 'body', 'lungs'];

export function cropFor(image: GrayImage, crop: Crop): GrayImage {
  if (crop === 'body') return cropToBody(image);
  return crop === 'lungs' ? cropToLungs(image) : image;
}
