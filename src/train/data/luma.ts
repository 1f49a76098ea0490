/** ITU-R BT.601 luma weights: how RGB figures become the single gray channel the net reads. */
const LUMA_BT601 = { r: 0.299, g: 0.587, b: 0.114 } as const;

/**
 * Interleaved samples (1 to 4 channels, values 0..maxValue) to gray in [0, 1].
 * 1 or 2 channels: gray (+ alpha); 3 or 4: RGB (+ alpha). Alpha is ignored: the figures
 * are opaque scans, and compositing onto a guessed background would invent pixels.
 */
export function interleavedToGray(
  samples: ArrayLike<number>,
  pixelCount: number,
  channels: number,
  maxValue: number,
): Float32Array {
  const gray = new Float32Array(pixelCount);
  const scale = 1 / maxValue;
  if (channels <= 2) {
    for (let i = 0; i < pixelCount; i++) gray[i] = samples[i * channels] * scale;
    return gray;
  }
  const { r, g, b } = LUMA_BT601;
  for (let i = 0; i < pixelCount; i++) {
    const o = i * channels;
    gray[i] = (r * samples[o] + g * samples[o + 1] + b * samples[o + 2]) * scale;
  }
  return gray;
}
