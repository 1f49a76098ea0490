import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { host } from '../../src/runtime/host-tensor.ts';
import { maxpool, type MaxPoolAttrs } from '../../src/runtime/ops/maxpool.ts';
import { Random } from '../../src/runtime/random.ts';
import type { Shape } from '../../src/runtime/shape.ts';
import { describeOpCases } from '../harness/describe-op-cases.ts';
import { webgpuForTests } from '../harness/webgpu.ts';
import { poolCases, poolGradCases } from './pool.cases.ts';

describeOpCases('pooling (maxpool, global_avg_pool)', poolCases, poolGradCases);

/** The CPU twin's maxpool forward and backward on given data. */
function twin(shape: Shape, x: Float32Array, dy: Float32Array, attrs: MaxPoolAttrs) {
  const [y] = maxpool.cpu.fwd([host(shape, x)], attrs);
  const [dx] = maxpool.cpu.bwd!([host(shape, x)], [y], host(y.shape, dy), attrs);
  return { y: Array.from(y.data), dx: Array.from(dx!.data) };
}

async function onGpu(gpu: Backend, shape: Shape, x: Float32Array, dy: Float32Array, attrs: MaxPoolAttrs) {
  const xt = gpu.tensor(shape, x);
  const [yt] = gpu.forward('maxpool', [xt], attrs);
  const dyt = gpu.tensor(yt.shape, dy);
  const [dxt] = gpu.backward('maxpool', [xt], [yt], dyt, attrs);
  const out = { y: Array.from(await yt.read()), dx: Array.from(await dxt!.read()) };
  for (const t of [xt, yt, dyt, dxt!]) t.dispose();
  return out;
}

describe('maxpool CPU twin, by hand', () => {
  it('pads and drops the ceil-mode window that starts in the padding: [1,1,4,5] k2 s2 p1 → 3 × 3', () => {
    const x = Float32Array.from({ length: 20 }, (_, i) => i);
    const attrs = { kernel: 2, stride: 2, pad: 1, ceilMode: true };
    const { y, dx } = twin([1, 1, 4, 5], x, Float32Array.from({ length: 9 }, (_, i) => i + 1), attrs);
    // Window rows {0}, {1,2}, {3}; columns {0}, {1,2}, {3,4}; the maximum is each window's last element.
    expect(y).toEqual([0, 2, 4, 10, 12, 14, 15, 17, 19]);
    const want = new Array(20).fill(0);
    [0, 2, 4, 10, 12, 14, 15, 17, 19].forEach((at, k) => (want[at] = k + 1));
    expect(dx).toEqual(want);
  });

  it('gives a tie to the first maximum in row-major window order', () => {
    const attrs = { kernel: 2, stride: 1, ceilMode: false };
    const { y, dx } = twin([1, 1, 2, 3], new Float32Array(6).fill(7), Float32Array.of(2, 3), attrs);
    expect(y).toEqual([7, 7]);
    expect(dx).toEqual([2, 3, 0, 0, 0, 0]);
  });
});

describe('maxpool on webgpu agrees with the twin on ties and NaN', () => {
  let gpu: Backend;
  beforeAll(async () => {
    gpu = await webgpuForTests();
  });
  afterAll(() => gpu?.dispose());

  it('all-equal windows: the gradient goes to the first element', async () => {
    const attrs = { kernel: 2, stride: 1, ceilMode: false };
    const got = await onGpu(gpu, [1, 1, 2, 3], new Float32Array(6).fill(7), Float32Array.of(2, 3), attrs);
    expect(got).toEqual({ y: [7, 7], dx: [2, 3, 0, 0, 0, 0] });
  });

  const nanCases: [Shape, MaxPoolAttrs][] = [
    [[2, 3, 7, 9], { kernel: 3, stride: 2, ceilMode: true }],
    [[2, 2, 13, 10], { kernel: 3, stride: 2, pad: 1, ceilMode: true }],
    [[1, 2, 6, 5], { kernel: 3, stride: 1, pad: 1, ceilMode: false }],
  ];
  it.each(nanCases)('a window holding NaN outputs NaN: x=%j %j', async (shape, attrs) => {
    const [n, c, h, w] = shape;
    const rng = new Random(5);
    const x = rng.normals(n * c * h * w);
    for (let k = 0; k < 6; k++) x[rng.int(x.length)] = NaN;
    x[rng.int(x.length)] = -Infinity;
    const [, , oh, ow] = maxpool.inferShapes([shape], attrs)[0];
    const dy = rng.normals(n * c * oh * ow);
    const want = twin(shape, x, dy, attrs);
    const got = await onGpu(gpu, shape, x, dy, attrs);

    // Which windows hold a NaN, found by brute force from the window definition.
    const { kernel: k, stride: s, pad: p = 0 } = attrs;
    let nanWindows = 0;
    for (let nc = 0; nc < n * c; nc++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let hasNaN = false;
          for (let iy = oy * s - p; iy < oy * s - p + k; iy++) {
            for (let ix = ox * s - p; ix < ox * s - p + k; ix++) {
              if (iy >= 0 && iy < h && ix >= 0 && ix < w && Number.isNaN(x[(nc * h + iy) * w + ix])) hasNaN = true;
            }
          }
          const at = (nc * oh + oy) * ow + ox;
          expect(Number.isNaN(want.y[at]), `twin y[${at}]`).toBe(hasNaN);
          expect(Number.isNaN(got.y[at]), `webgpu y[${at}]`).toBe(hasNaN);
          if (hasNaN) nanWindows++;
        }
      }
    }
    expect(nanWindows).toBeGreaterThan(0);
    // Everything else (finite maxima, where the NaN-window gradients go) matches exactly.
    expect(got.y).toEqual(want.y);
    for (let i = 0; i < want.dx.length; i++) expect(got.dx[i], `dx[${i}]`).toBeCloseTo(want.dx[i], 5);
  });
});

describe('maxpool on the cpu backend (fast path) equals the twin on ties, NaN and -Infinity', () => {
  const cpu = new CpuBackend();
  it('all-equal windows: the gradient goes to the first element', async () => {
    const got = await onGpu(cpu, [1, 1, 2, 3], new Float32Array(6).fill(7), Float32Array.of(2, 3), { kernel: 2, stride: 1, ceilMode: false });
    expect(got).toEqual({ y: [7, 7], dx: [2, 3, 0, 0, 0, 0] });
  });
  const cases: [Shape, MaxPoolAttrs][] = [
    [[2, 3, 7, 9], { kernel: 3, stride: 2, ceilMode: true }],
    [[2, 2, 13, 10], { kernel: 3, stride: 2, pad: 1, ceilMode: true }],
    [[1, 2, 6, 5], { kernel: 3, stride: 1, pad: 1, ceilMode: false }],
    [[2, 2, 9, 11], { kernel: 2, stride: 3, ceilMode: true }],
  ];
  it.each(cases)('x=%j %j', async (shape, attrs) => {
    const rng = new Random(7);
    const x = Float32Array.from(rng.normals(sizeOfShape(shape)), (v) => Math.round(v));
    for (let k = 0; k < 6; k++) x[rng.int(x.length)] = NaN;
    for (let k = 0; k < 3; k++) x[rng.int(x.length)] = -Infinity;
    const [, , oh, ow] = maxpool.inferShapes([shape], attrs)[0];
    const dy = rng.normals(shape[0] * shape[1] * oh * ow);
    // Math.max(-0, 0) is 0 where the twin keeps the first of the tied zeros: equal as numbers.
    const zeroSigns = (r: { y: number[]; dx: number[] }) => ({ y: r.y.map((v) => v + 0), dx: r.dx });
    expect(zeroSigns(await onGpu(cpu, shape, x, dy, attrs))).toEqual(zeroSigns(twin(shape, x, dy, attrs)));
  });
});

const sizeOfShape = (s: Shape) => s.reduce((a, b) => a * b, 1);
