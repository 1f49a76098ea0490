// conv2d fast path for 3×3 kernels with stride 1 (any padding). An invocation computes
// 8 output channels × 16 consecutive pixels of one output row. For each summed channel and
// kernel row it loads the 18 input values under those 16 pixels once and reuses them for
// the three kernel columns: [8 channels × 3 taps] · [3 taps × 16 pixels].
//   forward     y [n, r=O] = b + Σ_q,ky,kx w[r, q, ky, kx] · x [n, q=C] shifted by (ky − ph, kx − pw)
//   input grad  dx[n, r=C] =     Σ_q,ky,kx w[q, r, 2−ky, 2−kx] · dy[n, q=O] with padding 2 − p: the same
//               kernel, reading the weights flipped and transposed through sr, sq, sky, skx and base.
// Lanes past the end of a row or channel load clamped addresses and are never stored.
const WG: u32 = 64u;
const LANES = vec4<i32>(0, 1, 2, 3);

struct Conv3x3 {
  n: i32,
  q: i32, h: i32, w: i32,     // summed channels and the size of src
  r: i32, oh: i32, ow: i32,   // produced channels and the size of dst
  ph: i32, pw: i32,
  // weight of (r, q, ky, kx) is wt[base + r·sr + q·sq + ky·sky + kx·skx]
  sr: i32, sq: i32, sky: i32, skx: i32, base: i32,
  tiles: i32,
};

struct WeightGrad3x3 {
  n: i32, c: i32, h: i32, w: i32, o: i32, oh: i32, ow: i32, ph: i32, pw: i32,
  quads: i32,  // N·OH·⌈OW/4⌉ row quads of output pixels in the sum
  chunk: i32,  // quads per split of the sum
  tiles: i32,  // invocations: ⌈O/8⌉·C·splits
};

@group(0) @binding(0) var<uniform> cv: Conv3x3;
@group(0) @binding(0) var<uniform> wg: WeightGrad3x3;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> dw: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> i32 {
  return i32(g.x + g.y * nwg.x * WG);
}

struct Tile { n: i32, r0: i32, oy: i32, ox0: i32 };

fn tile_of(t: i32) -> Tile {
  let row_tiles = (cv.ow + 15) / 16;
  let r_tiles = (cv.r + 7) / 8;
  let ox0 = (t % row_tiles) * 16;
  let oy = (t / row_tiles) % cv.oh;
  let r0 = (t / (row_tiles * cv.oh)) % r_tiles * 8;
  return Tile(t / (row_tiles * cv.oh * r_tiles), r0, oy, ox0);
}

// src[row, ix .. ix+3] of a row `width` wide, zero outside the image.
fn load4(row: i32, row_ok: bool, ix: i32, width: i32) -> vec4<f32> {
  let i = vec4<i32>(ix) + LANES;
  let ok = (i >= vec4<i32>(0)) & (i < vec4<i32>(width)) & vec4<bool>(row_ok);
  let j = select(vec4<i32>(0), row + i, ok);
  return select(vec4<f32>(), vec4<f32>(src[j.x], src[j.y], src[j.z], src[j.w]), ok);
}

// Columns: 4 pixels; rows: the 3 taps kx under each, from the window a ++ b.
fn window(a: vec4<f32>, b: vec4<f32>) -> mat4x3<f32> {
  return mat4x3<f32>(a.xyz, vec3<f32>(a.yzw), vec3<f32>(a.zw, b.x), vec3<f32>(a.w, b.xy));
}

// Columns: the 3 taps kx; rows: 4 produced channels (weight offsets wr).
fn taps(wr: vec4<i32>, k: i32) -> mat3x4<f32> {
  let i0 = wr + k;
  let i1 = i0 + cv.skx;
  let i2 = i1 + cv.skx;
  return mat3x4<f32>(vec4<f32>(wt[i0.x], wt[i0.y], wt[i0.z], wt[i0.w]),
                     vec4<f32>(wt[i1.x], wt[i1.y], wt[i1.z], wt[i1.w]),
                     vec4<f32>(wt[i2.x], wt[i2.y], wt[i2.z], wt[i2.w]));
}

// Adds kernel row ky of summed channel q to the tile: [8 channels × 3 taps] · [3 taps × 16 pixels].
// Called once per ky with a constant: SwiftShader runs straight-line code far faster than a loop.
fn add_row(t: Tile, q: i32, ky: i32, wr0: vec4<i32>, wr1: vec4<i32>, a: ptr<function, array<mat4x4<f32>, 8>>) {
  let ix = t.ox0 - cv.pw;
  let iy = t.oy - cv.ph + ky;
  let row = ((t.n * cv.q + q) * cv.h + iy) * cv.w;
  let ok = iy >= 0 && iy < cv.h;
  let s0 = load4(row, ok, ix, cv.w); let s1 = load4(row, ok, ix + 4, cv.w); let s2 = load4(row, ok, ix + 8, cv.w);
  let s3 = load4(row, ok, ix + 12, cv.w); let s4 = load4(row, ok, ix + 16, cv.w);
  let x0 = window(s0, s1); let x1 = window(s1, s2); let x2 = window(s2, s3); let x3 = window(s3, s4);
  let k = q * cv.sq + ky * cv.sky;
  let w0 = taps(wr0, k);
  let w1 = taps(wr1, k);
  (*a)[0] += w0 * x0; (*a)[1] += w0 * x1; (*a)[2] += w0 * x2; (*a)[3] += w0 * x3;
  (*a)[4] += w1 * x0; (*a)[5] += w1 * x1; (*a)[6] += w1 * x2; (*a)[7] += w1 * x3;
}

// The tile as [channel group g][pixel group j] = a[4·g + j]; column = pixel, row = channel.
fn conv_tile(t: Tile) -> array<mat4x4<f32>, 8> {
  let last = vec4<i32>(cv.r - 1);
  let wr0 = cv.base + min(vec4<i32>(t.r0) + LANES, last) * cv.sr;
  let wr1 = cv.base + min(vec4<i32>(t.r0 + 4) + LANES, last) * cv.sr;
  var a: array<mat4x4<f32>, 8>;
  for (var q = 0; q < cv.q; q++) {
    add_row(t, q, 0, wr0, wr1, &a);
    add_row(t, q, 1, wr0, wr1, &a);
    add_row(t, q, 2, wr0, wr1, &a);
  }
  return a;
}

fn store_tile(t: Tile, acc: array<mat4x4<f32>, 8>, bias_of: array<vec4<f32>, 2>) {
  for (var m = 0; m < 8; m++) {
    let r = t.r0 + (m / 4) * 4;
    let ox = t.ox0 + (m % 4) * 4;
    for (var j = 0; j < 4 && ox + j < cv.ow; j++) {
      let v = acc[m][j] + bias_of[m / 4];
      for (var i = 0; i < 4 && r + i < cv.r; i++) { dst[((t.n * cv.r + r + i) * cv.oh + t.oy) * cv.ow + ox + j] = v[i]; }
    }
  }
}

@compute @workgroup_size(WG)
fn conv2d_fwd_3x3(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= cv.tiles) { return; }
  let t = tile_of(i);
  let ra = min(vec4<i32>(t.r0) + LANES, vec4<i32>(cv.r - 1));
  let rb = min(vec4<i32>(t.r0 + 4) + LANES, vec4<i32>(cv.r - 1));
  let b0 = vec4<f32>(bias[ra.x], bias[ra.y], bias[ra.z], bias[ra.w]);
  let b1 = vec4<f32>(bias[rb.x], bias[rb.y], bias[rb.z], bias[rb.w]);
  store_tile(t, conv_tile(t), array(b0, b1));
}

@compute @workgroup_size(WG)
fn conv2d_bwd_input_3x3(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= cv.tiles) { return; }
  let t = tile_of(i);
  store_tile(t, conv_tile(t), array(vec4<f32>(), vec4<f32>()));
}

// dy[n, o, oy, ox .. ox+3] for the 4 channels o (clamped); zero where not `ok`.
fn dy_quad(o: vec4<i32>, i: i32, ok: vec4<bool>) -> mat4x4<f32> {
  let last = i32(arrayLength(&dy)) - 1;
  let r = i + o * wg.oh * wg.ow;
  return transpose(mat4x4<f32>(
    select(vec4<f32>(), vec4<f32>(dy[r.x], dy[min(r.x + 1, last)], dy[min(r.x + 2, last)], dy[min(r.x + 3, last)]), ok),
    select(vec4<f32>(), vec4<f32>(dy[r.y], dy[min(r.y + 1, last)], dy[min(r.y + 2, last)], dy[min(r.y + 3, last)]), ok),
    select(vec4<f32>(), vec4<f32>(dy[r.z], dy[min(r.z + 1, last)], dy[min(r.z + 2, last)], dy[min(r.z + 3, last)]), ok),
    select(vec4<f32>(), vec4<f32>(dy[r.w], dy[min(r.w + 1, last)], dy[min(r.w + 2, last)], dy[min(r.w + 3, last)]), ok)));
}

// Columns: taps kx = 0, 1, 2; rows: the 4 pixels from ix under each, in input row iy.
fn kernel_row(plane: i32, iy: i32, ix: i32) -> mat3x4<f32> {
  let in_rows = iy >= 0 && iy < wg.h;
  let u = load4((plane + iy) * wg.w, in_rows, ix, wg.w);
  let v = load4((plane + iy) * wg.w, in_rows, ix + 4, wg.w);
  return mat3x4<f32>(u, vec4<f32>(u.yzw, v.x), vec4<f32>(u.zw, v.xy));
}

// Partial dw[o, c, ky, kx] = Σ dy[n, o, oy, ox]·x[n, c, oy − ph + ky, ox − pw + kx] over the
// row quads [s·chunk, (s+1)·chunk) of split s, written to dw[s]. A tile is 8 o × 1 c × 9 taps;
// each step multiplies [8 o × 4 pixels] by [4 pixels × 3 taps kx] for each ky.
@compute @workgroup_size(WG)
fn conv2d_bwd_weight_3x3(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear(gid, nwg);
  if (t >= wg.tiles) { return; }
  let o_tiles = (wg.o + 7) / 8;
  let c = t % wg.c;
  let o0 = (t / wg.c) % o_tiles * 8;
  let s = t / (wg.c * o_tiles);
  let oa = min(vec4<i32>(o0) + LANES, vec4<i32>(wg.o - 1));
  let ob = min(vec4<i32>(o0 + 4) + LANES, vec4<i32>(wg.o - 1));
  let per_row = (wg.ow + 3) / 4;
  let first = s * wg.chunk;
  let last = min(first + wg.chunk, wg.quads);
  var ox = (first % per_row) * 4;
  var oy = (first / per_row) % wg.oh;
  var n = first / (per_row * wg.oh);
  var a0 = mat3x4<f32>(); var a1 = mat3x4<f32>(); var a2 = mat3x4<f32>();
  var b0 = mat3x4<f32>(); var b1 = mat3x4<f32>(); var b2 = mat3x4<f32>();
  for (var k = first; k < last; k++) {
    let ok = vec4<i32>(ox) + LANES < vec4<i32>(wg.ow);
    let at = (n * wg.o * wg.oh + oy) * wg.ow + ox;
    let da = dy_quad(oa, at, ok);
    let db = dy_quad(ob, at, ok);
    let plane = (n * wg.c + c) * wg.h;
    let x0 = kernel_row(plane, oy - wg.ph, ox - wg.pw);
    let x1 = kernel_row(plane, oy - wg.ph + 1, ox - wg.pw);
    let x2 = kernel_row(plane, oy - wg.ph + 2, ox - wg.pw);
    a0 += da * x0; a1 += da * x1; a2 += da * x2;
    b0 += db * x0; b1 += db * x1; b2 += db * x2;
    ox += 4;
    if (ox >= wg.ow) { ox = 0; oy++; if (oy == wg.oh) { oy = 0; n++; } }
  }
  let acc = array(a0, a1, a2, b0, b1, b2);
  for (var m = 0; m < 6; m++) {
    let o = o0 + (m / 3) * 4;
    for (var i = 0; i < 4 && o + i < wg.o; i++) {
      let base = (((s * wg.o + o + i) * wg.c + c) * 3 + m % 3) * 3;
      dw[base] = acc[m][0][i]; dw[base + 1] = acc[m][1][i]; dw[base + 2] = acc[m][2][i];
    }
  }
}
