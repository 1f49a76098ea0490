import { bodyBox, surroundMask } from './body-crop.ts';
import { cropBox, type Box, type Cropped, type GrayImage } from './image.ts';

/** A dark region of the body counts as a lung when it covers at least this share of the body crop. */
const MIN_LUNG_SHARE = 0.02;
/** Lungs' hulls covering less than this share of the body crop are a failed detection: the body crop is kept. */
const MIN_MASK_SHARE = 0.1;

/**
 * The lungs alone, and their box in the image: the body crop (cropToBody) cut to the bounding
 * box of its two largest dark regions, each widened to its convex hull, everything outside the
 * hulls set to 0 (black).
 * Dark is below the Otsu threshold of the crop's pixels: air-filled lung, whatever the window.
 * The hull takes back what the threshold leaves out at a lung's rim, such as consolidation
 * against the pleura, where COVID-19 lesions often lie. So the body around the lungs (soft
 * tissue, bone, the mediastinum, and how saturated a source's window made them) no longer
 * reaches the net. Without such regions the body crop is returned.
 */
export function cropToLungs(image: GrayImage): Cropped {
  const { body, bodyImage, lungs } = bodyAndLungs(image);
  if (!lungs) return { image: bodyImage, box: body };
  const { mask, left, top, width: w, height: h } = lungs;
  const out = cropBox(bodyImage, lungs);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (!mask[(y + top) * bodyImage.width + x + left]) out.data[y * w + x] = 0;
  return { image: out, box: within(body, lungs) };
}

/**
 * The region of the image the lung crops keep: the body crop's lungs' bounding box (as cropToLungs
 * finds it), or the body's box when no lungs are found. Cut out with nothing blacked out (crop
 * 'lung-box'), the lungs set the scale and framing the net sees, whatever margin or body a
 * source's frame held.
 */
export function lungBox(image: GrayImage): Box {
  const { body, lungs } = bodyAndLungs(image);
  return lungs ? within(body, lungs) : body;
}

/** The body's box (cropToBody), the body cut out, and the lungs found in it. */
function bodyAndLungs(image: GrayImage) {
  const body = bodyBox(image);
  const bodyImage = cropBox(image, body);
  return { body, bodyImage, lungs: findLungs(bodyImage) };
}

/** A box given inside `outer`, in the coordinates `outer` is given in. */
const within = (outer: Box, inner: Box): Box => ({ left: outer.left + inner.left, top: outer.top + inner.top, width: inner.width, height: inner.height });

/** The hulls of the body crop's two largest dark regions as a mask, and their bounding box; undefined when they cover too little to be lungs. */
export function findLungs(body: GrayImage): { mask: Uint8Array; left: number; top: number; width: number; height: number } | undefined {
  const { width, height } = body;
  const mask = new Uint8Array(width * height);
  const lungs = components(darkBodyPixels(body), width, height)
    .filter((region) => region.pixels >= MIN_LUNG_SHARE * width * height)
    .sort((a, b) => b.pixels - a.pixels)
    .slice(0, 2);
  for (const lung of lungs) fillHull(convexHull(lung.extremes), width, mask);
  let left = width, right = 0, top = height, bottom = 0, inside = 0;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if (!mask[i]) continue;
      inside++;
      left = Math.min(left, x);
      right = Math.max(right, x + 1);
      top = Math.min(top, y);
      bottom = y + 1;
    }
  }
  return inside < MIN_MASK_SHARE * width * height ? undefined : { mask, left, top, width: right - left, height: bottom - top };
}

/** 1 for the pixels of the body (not surround) darker than the Otsu threshold of the crop's pixels. */
function darkBodyPixels(image: GrayImage): Uint8Array {
  const { data } = image;
  const surround = surroundMask(image);
  const histogram = new Float64Array(256);
  for (let i = 0; i < data.length; i++) histogram[Math.min(255, Math.max(0, Math.round(data[i] * 255)))]++;
  const threshold = (otsuLevel(histogram) + 0.5) / 255;
  const dark = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) dark[i] = !surround[i] && data[i] < threshold ? 1 : 0;
  return dark;
}

/** The histogram level that best splits it in two (Otsu 1979: the largest between-class variance); levels up to it are the dark class. */
export function otsuLevel(histogram: Float64Array): number {
  let total = 0, sum = 0;
  histogram.forEach((count, level) => {
    total += count;
    sum += level * count;
  });
  let best = -1, bestLevel = 0, below = 0, belowSum = 0;
  for (let level = 0; level < histogram.length; level++) {
    below += histogram[level];
    belowSum += level * histogram[level];
    const above = total - below;
    if (!below || !above) continue;
    const between = below * above * (belowSum / below - (sum - belowSum) / above) ** 2;
    if (between > best) [best, bestLevel] = [between, level];
  }
  return bestLevel;
}

/** A 4-connected region: its pixel count and, per row it spans, its leftmost and rightmost pixel as [x, y] points. */
interface Region {
  pixels: number;
  extremes: [number, number][];
}

function components(mask: Uint8Array, width: number, height: number): Region[] {
  const seen = new Uint8Array(mask.length);
  const regions: Region[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    const rowMin = new Map<number, number>(), rowMax = new Map<number, number>();
    let pixels = 0;
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width, y = (i - x) / width;
      pixels++;
      rowMin.set(y, Math.min(rowMin.get(y) ?? x, x));
      rowMax.set(y, Math.max(rowMax.get(y) ?? x, x));
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1]) {
        if (j >= 0 && mask[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    const extremes: [number, number][] = [];
    for (const [y, x] of rowMin) extremes.push([x, y], [rowMax.get(y)!, y]);
    regions.push({ pixels, extremes });
  }
  return regions;
}

/** The convex hull of the points, counter-clockwise (Andrew's monotone chain); collinear points are dropped. */
export function convexHull(points: readonly [number, number][]): [number, number][] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const turn = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const chain = (ordered: [number, number][]) => {
    const out: [number, number][] = [];
    for (const p of ordered) {
      while (out.length >= 2 && turn(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    return out.slice(0, -1);
  };
  const hull = [...chain(sorted), ...chain(sorted.reverse())];
  return hull.length ? hull : sorted.slice(0, 1);
}

/** Sets to 1 the pixels whose centres lie in the convex polygon (pixel coordinates, edges included). */
function fillHull(hull: [number, number][], width: number, mask: Uint8Array): void {
  const ys = hull.map((p) => p[1]);
  for (let y = Math.min(...ys); y <= Math.max(...ys); y++) {
    let lo = Infinity, hi = -Infinity;
    hull.forEach(([x1, y1], k) => {
      const [x2, y2] = hull[(k + 1) % hull.length];
      if ((y - y1) * (y - y2) > 0) return;
      const xs = y1 === y2 ? [x1, x2] : [x1 + ((y - y1) * (x2 - x1)) / (y2 - y1)];
      lo = Math.min(lo, ...xs);
      hi = Math.max(hi, ...xs);
    });
    mask.fill(1, y * width + Math.ceil(lo - 1e-9), y * width + Math.floor(hi + 1e-9) + 1);
  }
}
