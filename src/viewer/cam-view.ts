import { heatColour, scaledCam } from '../nets/cam-colours.ts';
import type { GrayImage } from '../train/data/image.ts';

/** The slice as an opaque gray picture on its own canvas, at its own resolution. */
export function drawSlice(canvas: HTMLCanvasElement, image: GrayImage): void {
  const { width, height, data } = image;
  canvas.width = width;
  canvas.height = height;
  const pixels = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(Math.min(Math.max(data[i], 0), 1) * 255);
    pixels.data[i * 4] = pixels.data[i * 4 + 1] = pixels.data[i * 4 + 2] = v;
    pixels.data[i * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
}

/**
 * The map upsampled (bilinear) to the slice's size, min–max scaled and coloured with the
 * CLI's ramp: an opaque layer to blend over the slice.
 */
export function heatLayer(cam: { data: Float32Array; width: number; height: number }, width: number, height: number): HTMLCanvasElement {
  const map = scaledCam(cam.data, cam.height, cam.width, width, height);
  const pixels = new ImageData(width, height);
  for (let i = 0; i < map.length; i++) {
    const [r, g, b] = heatColour(map[i]);
    pixels.data[i * 4] = r;
    pixels.data[i * 4 + 1] = g;
    pixels.data[i * 4 + 2] = b;
    pixels.data[i * 4 + 3] = 255;
  }
  const layer = document.createElement('canvas');
  layer.width = width;
  layer.height = height;
  layer.getContext('2d')!.putImageData(pixels, 0, 0);
  return layer;
}

/** The slice with the heat layer over it at `opacity` (0 shows the slice alone), as the CLI's overlay PNG blends them. */
export function drawOverlay(canvas: HTMLCanvasElement, slice: HTMLCanvasElement, heat: HTMLCanvasElement, opacity: number): void {
  canvas.width = slice.width;
  canvas.height = slice.height;
  const ctx = canvas.getContext('2d')!;
  ctx.globalAlpha = 1;
  ctx.drawImage(slice, 0, 0);
  ctx.globalAlpha = opacity;
  ctx.drawImage(heat, 0, 0);
  ctx.globalAlpha = 1;
}
