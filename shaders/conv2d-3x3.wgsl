// conv2d fast path for 3×3 kernels with stride 1 (any padding; forward also stride 2). An invocation computes
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
  // src holds channels [s0, s0 + q) of sc, dst [d0, d0 + r) of dc (fire_expand's slices);
  // stored values pass through act: 0 none, 1 ReLU, 2 ELU (α = 1)
  sc: i32, s0: i32, dc: i32, d0: i32, act: i32,
};

@group(0) @binding(0) var<uniform> cv: Conv3x3;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;

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

// Windows of summed channel q, kernel row ky under the tile's 16 pixels (4 groups of 4): 18 inputs.
fn windows(t: Tile, q: i32, ky: i32) -> array<mat4x3<f32>, 4> {
  let ix = t.ox0 - cv.pw;
  let iy = t.oy - cv.ph + ky;
  let row = ((t.n * cv.sc + cv.s0 + q) * cv.h + iy) * cv.w;
  let ok = iy >= 0 && iy < cv.h;
  let s0 = load4(row, ok, ix, cv.w); let s1 = load4(row, ok, ix + 4, cv.w); let s2 = load4(row, ok, ix + 8, cv.w);
  let s3 = load4(row, ok, ix + 12, cv.w); let s4 = load4(row, ok, ix + 16, cv.w);
  return array(window(s0, s1), window(s1, s2), window(s2, s3), window(s3, s4));
}

// The same with stride 2 (conv1): pixel j of a group takes inputs 2j + kx of the window a ++ b ++ c.
fn window_s2(a: vec4<f32>, b: vec4<f32>, c: vec4<f32>) -> mat4x3<f32> {
  return mat4x3<f32>(a.xyz, vec3<f32>(a.zw, b.x), b.xyz, vec3<f32>(b.zw, c.x));
}
fn windows_s2(t: Tile, q: i32, ky: i32) -> array<mat4x3<f32>, 4> {
  let ix = 2 * t.ox0 - cv.pw;
  let iy = 2 * t.oy - cv.ph + ky;
  let row = ((t.n * cv.sc + cv.s0 + q) * cv.h + iy) * cv.w;
  let ok = iy >= 0 && iy < cv.h;
  let s0 = load4(row, ok, ix, cv.w); let s1 = load4(row, ok, ix + 4, cv.w); let s2 = load4(row, ok, ix + 8, cv.w);
  let s3 = load4(row, ok, ix + 12, cv.w); let s4 = load4(row, ok, ix + 16, cv.w); let s5 = load4(row, ok, ix + 20, cv.w);
  let s6 = load4(row, ok, ix + 24, cv.w); let s7 = load4(row, ok, ix + 28, cv.w); let s8 = load4(row, ok, ix + 32, cv.w);
  return array(window_s2(s0, s1, s2), window_s2(s2, s3, s4), window_s2(s4, s5, s6), window_s2(s6, s7, s8));
}

// Adds the windows x of kernel row ky of summed channel q to the tile: [8 channels × 3 taps] · [3 taps × 16 pixels].
// Called once per ky with a constant: SwiftShader runs straight-line code far faster than a loop.
fn add_row(q: i32, ky: i32, x: array<mat4x3<f32>, 4>, wr0: vec4<i32>, wr1: vec4<i32>, a: ptr<function, array<mat4x4<f32>, 8>>) {
  let k = q * cv.sq + ky * cv.sky;
  let w0 = taps(wr0, k);
  let w1 = taps(wr1, k);
  (*a)[0] += w0 * x[0]; (*a)[1] += w0 * x[1]; (*a)[2] += w0 * x[2]; (*a)[3] += w0 * x[3];
  (*a)[4] += w1 * x[0]; (*a)[5] += w1 * x[1]; (*a)[6] += w1 * x[2]; (*a)[7] += w1 * x[3];
}

// Weight offsets of the tile's 8 channels, 4 at a time.
fn channel_rows(t: Tile) -> array<vec4<i32>, 2> {
  let last = vec4<i32>(cv.r - 1);
  return array(cv.base + min(vec4<i32>(t.r0) + LANES, last) * cv.sr, cv.base + min(vec4<i32>(t.r0 + 4) + LANES, last) * cv.sr);
}

// The tile as [channel group g][pixel group j] = a[4·g + j]; column = pixel, row = channel.
fn conv_tile(t: Tile) -> array<mat4x4<f32>, 8> {
  let wr = channel_rows(t);
  var a: array<mat4x4<f32>, 8>;
  for (var q = 0; q < cv.q; q++) {
    add_row(q, 0, windows(t, q, 0), wr[0], wr[1], &a);
    add_row(q, 1, windows(t, q, 1), wr[0], wr[1], &a);
    add_row(q, 2, windows(t, q, 2), wr[0], wr[1], &a);
  }
  return a;
}
fn conv_tile_s2(t: Tile) -> array<mat4x4<f32>, 8> {
  let wr = channel_rows(t);
  var a: array<mat4x4<f32>, 8>;
  for (var q = 0; q < cv.q; q++) {
    add_row(q, 0, windows_s2(t, q, 0), wr[0], wr[1], &a);
    add_row(q, 1, windows_s2(t, q, 1), wr[0], wr[1], &a);
    add_row(q, 2, windows_s2(t, q, 2), wr[0], wr[1], &a);
  }
  return a;
}

fn activate(v: vec4<f32>) -> vec4<f32> {
  if (cv.act == 1) { return max(v, vec4<f32>()); }
  if (cv.act == 2) { return select(exp(v) - 1.0, v, v > vec4<f32>()); }
  return v;
}

fn store_tile(t: Tile, acc: array<mat4x4<f32>, 8>, bias_of: array<vec4<f32>, 2>) {
  for (var m = 0; m < 8; m++) {
    let r = t.r0 + (m / 4) * 4;
    let ox = t.ox0 + (m % 4) * 4;
    for (var j = 0; j < 4 && ox + j < cv.ow; j++) {
      let v = activate(acc[m][j] + bias_of[m / 4]);
      for (var i = 0; i < 4 && r + i < cv.r; i++) { dst[((t.n * cv.dc + cv.d0 + r + i) * cv.oh + t.oy) * cv.ow + ox + j] = v[i]; }
    }
  }
}

fn bias4(r0: i32) -> vec4<f32> {
  let r = min(vec4<i32>(r0) + LANES, vec4<i32>(cv.r - 1));
  return vec4<f32>(bias[r.x], bias[r.y], bias[r.z], bias[r.w]);
}

@compute @workgroup_size(WG)
fn conv2d_fwd_3x3(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= cv.tiles) { return; }
  let t = tile_of(i);
  store_tile(t, conv_tile(t), array(bias4(t.r0), bias4(t.r0 + 4)));
}

// Forward with stride 2 in both directions (conv1); the uniforms are those of conv2d_fwd_3x3.
@compute @workgroup_size(WG)
fn conv2d_fwd_3x3_s2(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= cv.tiles) { return; }
  let t = tile_of(i);
  store_tile(t, conv_tile_s2(t), array(bias4(t.r0), bias4(t.r0 + 4)));
}

@compute @workgroup_size(WG)
fn conv2d_bwd_input_3x3(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= cv.tiles) { return; }
  let t = tile_of(i);
  store_tile(t, conv_tile(t), array(vec4<f32>(), vec4<f32>()));
}
