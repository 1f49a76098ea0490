import type { Tensor } from '../runtime/tensor.ts';
import type { Net } from './net.ts';

/** Class activation maps: for each image and class c, Σ_k w[c,k]·F_k over the feature maps F. */
export interface ClassActivationMaps {
  /** [N, classes, size, size], upsampled to the input size. */
  readonly data: Float32Array;
  readonly n: number;
  readonly classes: number;
  readonly size: number;
  /** The maps at feature resolution [N, classes, h, w], before upsampling. */
  readonly raw: Float32Array;
  readonly rawSize: readonly [number, number];
}

/**
 * Computes the maps on the net's backend as a 1×1 convolution of the features
 * with the dense weights (so GAP of a map plus the class bias is the logit), then
 * upsamples them bilinearly (half-pixel centres) to the input size on the host.
 */
export async function classActivationMaps(net: Net, features: Tensor): Promise<ClassActivationMaps> {
  const cam = net.spec.cam;
  if (!cam) throw new Error(`${net.spec.name} has no class activation maps (only light-cnn does)`);
  const b = net.backend;
  const [classes, k] = net.params.get(cam.weight)!.shape;
  const [n, channels, h, w] = features.shape;
  if (channels !== k) throw new Error(`CAM: features have ${channels} channels, ${cam.weight} expects ${k}`);
  const weight = net.params.get(cam.weight)!.reshape([classes, k, 1, 1]);
  const zeroBias = b.tensor([classes], new Float32Array(classes));
  const [maps] = b.forward('conv2d', [features, weight, zeroBias], { stride: 1, pad: 0 });
  const raw = await maps.read();
  for (const t of [weight, zeroBias, maps]) t.dispose();
  const size = net.spec.inputShape[1];
  return { data: upsampleBilinear(raw, n * classes, h, w, size, size), n, classes, size, raw, rawSize: [h, w] };
}

/** Bilinear resize of `planes` h×w planes to outH×outW, sampling at half-pixel centres (align_corners = false). */
export function upsampleBilinear(src: Float32Array, planes: number, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(planes * outH * outW);
  for (let p = 0; p < planes; p++) {
    const plane = src.subarray(p * h * w, (p + 1) * h * w);
    for (let y = 0; y < outH; y++) {
      const sy = Math.min(Math.max(((y + 0.5) * h) / outH - 0.5, 0), h - 1);
      const y0 = Math.floor(sy);
      const y1 = Math.min(y0 + 1, h - 1);
      const fy = sy - y0;
      for (let x = 0; x < outW; x++) {
        const sx = Math.min(Math.max(((x + 0.5) * w) / outW - 0.5, 0), w - 1);
        const x0 = Math.floor(sx);
        const x1 = Math.min(x0 + 1, w - 1);
        const fx = sx - x0;
        const top = plane[y0 * w + x0] * (1 - fx) + plane[y0 * w + x1] * fx;
        const bottom = plane[y1 * w + x0] * (1 - fx) + plane[y1 * w + x1] * fx;
        out[(p * outH + y) * outW + x] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}
