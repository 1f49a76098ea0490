import { cropBox, type Box, type GrayImage } from './image.ts';

/** Surround pixels differ from the frame's median value by at most this (on [0, 1]). */
const SURROUND_TOLERANCE = 0.1;
/** A row or column belongs to the body when at least this share of its pixels is not surround: panel letters, arrows and scale bars in the margin are too small to count. */
const BODY_SHARE = 0.1;
/** A box narrower or shorter than this share of the image is a failed detection: the whole image is kept. */
const MIN_EXTENT = 0.3;

/**
 * The image cropped to the bounding box of the body. The surround is the flat region joined
 * to the image's edge whose values lie within 0.1 of the median of the outermost pixels (black
 * in most scans, grey in some figures); the body's box runs from the first to the last row and
 * column in which at least 10% of the pixels are not surround. This removes the frame around a
 * scan and what sits in it (panel letters, labels), so that slices cut tight from a paper's
 * figure and slices with a wide surround are framed alike. A slice cut tight has no surround
 * and is kept whole.
 */
export function cropToBody(image: GrayImage): GrayImage {
  return cropBox(image, bodyBox(image));
}

/** The region of the image cropToBody keeps: the body's box, or the whole image when there is no surround to cut. */
export function bodyBox(image: GrayImage): Box {
  const { width, height } = image;
  const surround = surroundMask(image);
  const rowCounts = new Uint32Array(height);
  const colCounts = new Uint32Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!surround[y * width + x]) {
        rowCounts[y]++;
        colCounts[x]++;
      }
    }
  }
  const rows = span(rowCounts, BODY_SHARE * width);
  const cols = span(colCounts, BODY_SHARE * height);
  if (!rows || !cols || rows[1] - rows[0] < MIN_EXTENT * height || cols[1] - cols[0] < MIN_EXTENT * width) return { left: 0, top: 0, width, height };
  const [top, bottom] = rows;
  const [left, right] = cols;
  return { left, top, width: right - left, height: bottom - top };
}

/** 1 for the pixels of the flat region joined to the edge (4-neighbour flood fill from the edge pixels). */
export function surroundMask({ width, height, data }: GrayImage): Uint8Array {
  const edge: number[] = [];
  for (let x = 0; x < width; x++) edge.push(x, (height - 1) * width + x);
  for (let y = 1; y < height - 1; y++) edge.push(y * width, y * width + width - 1);
  const values = edge.map((i) => data[i]).sort((a, b) => a - b);
  const level = values[values.length >> 1];
  const isSurround = (i: number) => Math.abs(data[i] - level) <= SURROUND_TOLERANCE;
  const mask = new Uint8Array(width * height);
  const stack = edge.filter(isSurround);
  for (const i of stack) mask[i] = 1;
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % width;
    for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width]) {
      if (j >= 0 && j < mask.length && !mask[j] && isSurround(j)) {
        mask[j] = 1;
        stack.push(j);
      }
    }
  }
  return mask;
}

/** [first, last + 1) of the indices whose count reaches `least`, or null when none does. */
function span(counts: Uint32Array, least: number): [number, number] | null {
  let first = -1;
  let last = -1;
  counts.forEach((count, i) => {
    if (count >= least) {
      if (first < 0) first = i;
      last = i;
    }
  });
  return first < 0 ? null : [first, last + 1];
}
