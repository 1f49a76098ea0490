import { encode } from 'fast-png';
import { heatColour, scaledCam } from '../nets/cam-colours.ts';
import type { GrayImage } from '../train/data/image.ts';

/**
 * An RGB PNG of the CT slice with the class activation map (min–max scaled)
 * blended over it at `opacity`, at the slice's own resolution.
 */
export function camOverlayPng(slice: GrayImage, cam: { data: Float32Array; height: number; width: number }, opacity = 0.45): Uint8Array {
  const { width, height } = slice;
  // Upsampled once, from the map's own resolution, as the viewer does.
  const map = scaledCam(cam.data, cam.height, cam.width, width, height);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const gray = slice.data[i] * 255;
    const colour = heatColour(map[i]);
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(gray * (1 - opacity) + colour[c] * opacity);
  }
  return encode({ width, height, data: rgb, channels: 3, depth: 8 });
}
