import { PREPROCESSING } from '../train/data/preprocess.ts';
import { numberFlag } from './number-flag.ts';

/** --size: the net's input side, 224 unless given; a multiple of 16 (the pooling and the skip connection need it). */
export function sizeFlag(text: string | undefined): number {
  const size = numberFlag('size', text, PREPROCESSING.size, { integer: true, min: 32 });
  if (size % 16 !== 0) throw new Error(`--size must be a multiple of 16 (the pooling and skip connection need it), got ${size}`);
  return size;
}
