// conv2d as implicit GEMM (no im2col buffer), for any kernel, stride and
// padding. Every invocation keeps a 4×4 tile of results in registers, with no
// workgroup memory or barriers: software adapters (SwiftShader) run that well,
// and real GPUs see coalesced pixel loads and the same weight address across
// neighbouring invocations. Out-of-range lanes of a tile load clamped
// addresses and skip their writes. (1×1 and 3×3 stride-1 convolutions have
// faster kernels in conv2d-1x1.wgsl and conv2d-3x3.wgsl.)
//
//   conv2d_fwd            y  = b + Σ w·x   tile: 4 output channels × 4 output pixels
//   conv2d_bwd_input      dx = Σ w·dy      tile: 4 input channels × 4 input pixels of one row and phase
//   conv2d_bwd_weight     dw = Σ dy·x      tile: 4 output channels × 4 taps (c, ky, kx); the
//                                          (n, pixel) sum is cut into splits of `chunk` pixels
//   conv2d_reduce_splits  adds the splits' partial dw (used by every weight-gradient kernel)
// (db = Σ dy is channel-sums.wgsl's.)
const WG: u32 = 64u;
const LANES = vec4<i32>(0, 1, 2, 3);

struct Conv {
  n: i32, c: i32, h: i32, w: i32,
  o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, ph: i32, pw: i32,
  tiles: i32,  // invocations with work; the rest return at once
  chunk: i32,  // conv2d_bwd_weight: (n, pixel) pairs per split of the sum
};
struct Reduce { count: i32, splits: i32 };

@group(0) @binding(0) var<uniform> cv: Conv;
@group(0) @binding(0) var<uniform> red: Reduce;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read> part: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;
@group(0) @binding(8) var<storage, read_write> dw: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> i32 {
  return i32(g.x + g.y * nwg.x * WG);
}

fn gather_x(i: vec4<i32>) -> vec4<f32> { return vec4<f32>(x[i.x], x[i.y], x[i.z], x[i.w]); }
fn gather_w(i: vec4<i32>) -> vec4<f32> { return vec4<f32>(w[i.x], w[i.y], w[i.z], w[i.w]); }
fn gather_dy(i: vec4<i32>) -> vec4<f32> { return vec4<f32>(dy[i.x], dy[i.y], dy[i.z], dy[i.w]); }

// Tiles hold one vec4 of 4 channels per pixel; they are stored into a
// [channels, pixels] plane at `base`, skipping channels and pixels past the end.
fn store_y(base: i32, r0: i32, rows: i32, c0: i32, cols: i32, t: array<vec4<f32>, 4>, bias: vec4<f32>) {
  for (var j = 0; j < 4 && c0 + j < cols; j++) {
    for (var r = 0; r < 4 && r0 + r < rows; r++) { y[base + (r0 + r) * cols + c0 + j] = t[j][r] + bias[r]; }
  }
}

@compute @workgroup_size(WG)
fn conv2d_fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear(gid, nwg);
  if (t >= cv.tiles) { return; }
  let ohw = cv.oh * cv.ow;
  let p_tiles = (ohw + 3) / 4;
  let o_tiles = (cv.o + 3) / 4;
  let p0 = (t % p_tiles) * 4;
  let o0 = (t / p_tiles) % o_tiles * 4;
  let n = t / (p_tiles * o_tiles);
  let p = min(vec4<i32>(p0) + LANES, vec4<i32>(ohw - 1));
  let iy0 = (p / cv.ow) * cv.sh - cv.ph;
  let ix0 = (p % cv.ow) * cv.sw - cv.pw;
  let wrow = min(vec4<i32>(o0) + LANES, vec4<i32>(cv.o - 1)) * (cv.c * cv.kh * cv.kw);
  var a0 = vec4<f32>(); var a1 = vec4<f32>(); var a2 = vec4<f32>(); var a3 = vec4<f32>();
  for (var ci = 0; ci < cv.c; ci++) {
    let xc = (n * cv.c + ci) * cv.h * cv.w;
    for (var ky = 0; ky < cv.kh; ky++) {
      let iy = iy0 + ky;
      let row_ok = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(cv.h));
      let xrow = xc + iy * cv.w;
      let wk = wrow + (ci * cv.kh + ky) * cv.kw;
      for (var kx = 0; kx < cv.kw; kx++) {
        let ix = ix0 + kx;
        let ok = row_ok & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(cv.w));
        let xv = select(vec4<f32>(), gather_x(select(vec4<i32>(0), xrow + ix, ok)), ok);
        let wv = gather_w(wk + kx);
        a0 += wv * xv.x; a1 += wv * xv.y; a2 += wv * xv.z; a3 += wv * xv.w;
      }
    }
  }
  let bias = vec4<f32>(b[o0], b[min(o0 + 1, cv.o - 1)], b[min(o0 + 2, cv.o - 1)], b[min(o0 + 3, cv.o - 1)]);
  store_y(n * cv.o * ohw, o0, cv.o, p0, ohw, array(a0, a1, a2, a3), bias);
}

// dx[n, c, iy, ix] gathers the outputs (oy, ox) with oy·sh + ky = iy + ph and
// ox·sw + kx = ix + pw. A tile's 4 pixels are columns of one phase
// φ = (ix + pw) mod sw, so they share their taps kx ≡ φ and the row's taps
// ky ≡ (iy + ph) (mod sh): the sum visits only taps that hit an output.
@compute @workgroup_size(WG)
fn conv2d_bwd_input(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear(gid, nwg);
  if (t >= cv.tiles) { return; }
  let j_tiles = ((cv.w + cv.sw - 1) / cv.sw + 3) / 4;
  let c_tiles = (cv.c + 3) / 4;
  let phase = (t / j_tiles) % cv.sw;
  let iy = (t / (j_tiles * cv.sw)) % cv.h;
  let c0 = (t / (j_tiles * cv.sw * cv.h)) % c_tiles * 4;
  let n = t / (j_tiles * cv.sw * cv.h * c_tiles);
  // ix + pw = jx·sw + φ, from the first jx with ix ≥ 0
  let jx = vec4<i32>((cv.pw - phase + cv.sw - 1) / cv.sw + (t % j_tiles) * 4) + LANES;
  let ix = jx * cv.sw + phase - cv.pw;
  if (ix.x >= cv.w) { return; }
  let ty = iy + cv.ph;
  let ohw = cv.oh * cv.ow;
  let kk = cv.kh * cv.kw;
  let wcol = min(vec4<i32>(c0) + LANES, vec4<i32>(cv.c - 1)) * kk;
  var a0 = vec4<f32>(); var a1 = vec4<f32>(); var a2 = vec4<f32>(); var a3 = vec4<f32>();
  for (var ky = ty % cv.sh; ky < cv.kh; ky += cv.sh) {
    let oy = (ty - ky) / cv.sh; // exact: ty − ky is a multiple of sh
    if (oy < 0) { break; }
    if (oy >= cv.oh) { continue; }
    for (var kx = phase; kx < cv.kw; kx += cv.sw) {
      let ox = jx - (kx - phase) / cv.sw;
      let ok = (ox >= vec4<i32>(0)) & (ox < vec4<i32>(cv.ow));
      let di = select(vec4<i32>(0), n * cv.o * ohw + oy * cv.ow + ox, ok);
      let wk = wcol + ky * cv.kw + kx;
      for (var o = 0; o < cv.o; o++) {
        let dv = select(vec4<f32>(), gather_dy(di + o * ohw), ok);
        let wv = gather_w(wk + o * cv.c * kk);
        a0 += wv * dv.x; a1 += wv * dv.y; a2 += wv * dv.z; a3 += wv * dv.w;
      }
    }
  }
  let tile = array(a0, a1, a2, a3);
  for (var j = 0; j < 4; j++) {
    if (ix[j] >= cv.w) { break; }
    for (var r = 0; r < 4 && c0 + r < cv.c; r++) { dx[((n * cv.c + c0 + r) * cv.h + iy) * cv.w + ix[j]] = tile[j][r]; }
  }
}

// Partial dw over the (n, pixel) pairs [s·chunk, (s+1)·chunk) of chunk s, written
// to dw[s] (dw itself when there is one chunk). Tap k = (c·KH + ky)·KW + kx.
@compute @workgroup_size(WG)
fn conv2d_bwd_weight(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear(gid, nwg);
  if (t >= cv.tiles) { return; }
  let kk = cv.kh * cv.kw;
  let taps = cv.c * kk;
  let ohw = cv.oh * cv.ow;
  let k_tiles = (taps + 3) / 4;
  let o_tiles = (cv.o + 3) / 4;
  let k0 = (t % k_tiles) * 4;
  let o0 = (t / k_tiles) % o_tiles * 4;
  let s = t / (k_tiles * o_tiles);
  let k = min(vec4<i32>(k0) + LANES, vec4<i32>(taps - 1));
  let xc = (k / kk) * cv.h * cv.w;
  let ky = (k % kk) / cv.kw - cv.ph;
  let kx = k % cv.kw - cv.pw;
  let orow = min(vec4<i32>(o0) + LANES, vec4<i32>(cv.o - 1)) * ohw;
  let first = s * cv.chunk;
  let last = min(first + cv.chunk, cv.n * ohw);
  var n = first / ohw;
  var oy = (first % ohw) / cv.ow;
  var ox = first % cv.ow;
  var a0 = vec4<f32>(); var a1 = vec4<f32>(); var a2 = vec4<f32>(); var a3 = vec4<f32>();
  for (var r = first; r < last; r++) {
    let iy = oy * cv.sh + ky;
    let ix = ox * cv.sw + kx;
    let ok = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(cv.h)) & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(cv.w));
    let xv = select(vec4<f32>(), gather_x(select(vec4<i32>(0), n * cv.c * cv.h * cv.w + xc + iy * cv.w + ix, ok)), ok);
    let dv = gather_dy(orow + (n * cv.o * ohw + oy * cv.ow + ox));
    a0 += dv * xv.x; a1 += dv * xv.y; a2 += dv * xv.z; a3 += dv * xv.w;
    ox++;
    if (ox == cv.ow) { ox = 0; oy++; if (oy == cv.oh) { oy = 0; n++; } }
  }
  let tile = array(a0, a1, a2, a3);
  let base = s * cv.o * taps; // split s writes its own copy of dw
  for (var j = 0; j < 4 && k0 + j < taps; j++) {
    for (var r = 0; r < 4 && o0 + r < cv.o; r++) { dw[base + (o0 + r) * taps + k0 + j] = tile[j][r]; }
  }
}

@compute @workgroup_size(WG)
fn conv2d_reduce_splits(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= red.count) { return; }
  var sum = 0.0;
  for (var s = 0; s < red.splits; s++) { sum += part[s * red.count + i]; }
  dw[i] = sum;
}
