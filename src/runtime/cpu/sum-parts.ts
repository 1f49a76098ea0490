/** The sum of `count` equal-length parts laid end to end, added in part order. */
export function sumParts(parts: Float32Array, count: number): Float32Array {
  const len = parts.length / count;
  const out = parts.slice(0, len);
  for (let k = 1; k < count; k++) {
    for (let i = 0, j = k * len; i < len; i++, j++) out[i] += parts[j];
  }
  return out;
}
