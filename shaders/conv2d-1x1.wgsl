// conv2d fast paths for 1×1 kernels with stride 1 and no padding, where the
// convolution is a plain GEMM per image over P = H·W pixels:
//   forward     y [r=O][p] = b + Σ_q w[r, q] · x [q=C][p]
//   input grad  dx[r=C][p] =     Σ_q w[q, r] · dy[q=O][p]   (same kernel, transposed weights)
//   conv_transpose2d with kernel = stride: y = wᵀ·x, each sum stored at its output pixel
// (the weight gradient is in conv2d-1x1-weight.wgsl).
// Each invocation keeps an 8 channels × 16 pixels tile in eight mat4x4
// accumulators and takes 4 steps of the sum per matrix product, so every
// accumulator update carries 4 multiply-adds. Lanes past the end load clamped addresses, are zeroed where
// they would enter a sum, and are never stored.

const WG: u32 = 64u;
const LANES = vec4<i32>(0, 1, 2, 3);

struct Gemm {
  n: i32,  // batch
  q: i32,  // channels summed over
  r: i32,  // channels produced
  p: i32,  // pixels per image
  sr: i32, // weight of (r, q) is wt[r·sr + q·sq]
  sq: i32,
  tiles: i32,
  // src holds channels [s0, s0 + q) of sc, dst [d0, d0 + r) of dc (fire_expand's slices); stored
  // values pass through act: 0 none, 1 ReLU, 2 ELU (α = 1), 3 added to what dst holds
  sc: i32, s0: i32, dc: i32, d0: i32, act: i32,
  kh: i32, kw: i32, iw: i32,  // conv_transpose2d_fwd_1x1: its kernel, and the width of src
};

@group(0) @binding(0) var<uniform> mm: Gemm;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> dst: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> i32 {
  return i32(g.x + g.y * nwg.x * WG);
}

// Weights of 4 channels r (offsets wr) at step q of the sum; 0 past the end.
fn weight_col(wr: vec4<i32>, q: i32) -> vec4<f32> {
  let i = wr + min(q, mm.q - 1) * mm.sq;
  return select(vec4<f32>(), vec4<f32>(wt[i.x], wt[i.y], wt[i.z], wt[i.w]), q < mm.q);
}

// 4 pixels of channel q; 0 past the end of the sum.
fn pixel_row(plane: i32, p: vec4<i32>, q: i32) -> vec4<f32> {
  let i = plane + min(q, mm.q - 1) * mm.p + p;
  return select(vec4<f32>(), vec4<f32>(src[i.x], src[i.y], src[i.z], src[i.w]), q < mm.q);
}

// Columns: steps q..q+3 of the sum, each over 4 output channels.
fn weights(wr: vec4<i32>, q: i32) -> mat4x4<f32> {
  return mat4x4<f32>(weight_col(wr, q), weight_col(wr, q + 1), weight_col(wr, q + 2), weight_col(wr, q + 3));
}

// Columns: 4 pixels, each over steps q..q+3 of the sum.
fn pixels(plane: i32, p: vec4<i32>, q: i32) -> mat4x4<f32> {
  return transpose(mat4x4<f32>(pixel_row(plane, p, q), pixel_row(plane, p, q + 1), pixel_row(plane, p, q + 2), pixel_row(plane, p, q + 3)));
}

// The tile (8 channels × 16 pixels) of invocation t.
struct Tile { n: i32, r0: i32, p0: i32 };

fn tile_of(t: i32) -> Tile {
  let p_tiles = (mm.p + 15) / 16;
  return Tile(t / (p_tiles * ((mm.r + 7) / 8)), (t / p_tiles) % ((mm.r + 7) / 8) * 8, (t % p_tiles) * 16);
}

// The tile's sums as [channel group g][pixel group j] = a[4·g + j]; column = pixel, row = channel.
fn gemm_tile(t: Tile) -> array<mat4x4<f32>, 8> {
  let last = vec4<i32>(mm.r - 1);
  let wr0 = min(vec4<i32>(t.r0) + LANES, last) * mm.sr;
  let wr1 = min(vec4<i32>(t.r0 + 4) + LANES, last) * mm.sr;
  let lp = vec4<i32>(mm.p - 1);
  let p0 = min(vec4<i32>(t.p0) + LANES, lp); let p1 = min(vec4<i32>(t.p0 + 4) + LANES, lp);
  let p2 = min(vec4<i32>(t.p0 + 8) + LANES, lp); let p3 = min(vec4<i32>(t.p0 + 12) + LANES, lp);
  let plane = (t.n * mm.sc + mm.s0) * mm.p;
  var a: array<mat4x4<f32>, 8>;
  for (var q = 0; q < mm.q; q += 4) {
    let w0 = weights(wr0, q); let w1 = weights(wr1, q);
    let x0 = pixels(plane, p0, q); let x1 = pixels(plane, p1, q); let x2 = pixels(plane, p2, q); let x3 = pixels(plane, p3, q);
    a[0] += w0 * x0; a[1] += w0 * x1; a[2] += w0 * x2; a[3] += w0 * x3;
    a[4] += w1 * x0; a[5] += w1 * x1; a[6] += w1 * x2; a[7] += w1 * x3;
  }
  return a;
}

fn activate(v: vec4<f32>) -> vec4<f32> {
  if (mm.act == 1) { return max(v, vec4<f32>()); }
  if (mm.act == 2) { return select(exp(v) - 1.0, v, v > vec4<f32>()); }
  return v;
}

fn store_tile(t: Tile, tile: array<mat4x4<f32>, 8>, bias_of: array<vec4<f32>, 2>) {
  for (var m = 0; m < 8; m++) {
    let rg = t.r0 + (m / 4) * 4;
    let pg = t.p0 + (m % 4) * 4;
    for (var j = 0; j < 4 && pg + j < mm.p; j++) {
      let v = activate(tile[m][j] + bias_of[m / 4]);
      for (var i = 0; i < 4 && rg + i < mm.r; i++) {
        let k = (t.n * mm.dc + mm.d0 + rg + i) * mm.p + pg + j;
        if (mm.act == 3) { dst[k] += v[i]; } else { dst[k] = v[i]; } // a select() would read dst[k] for every store
      }
    }
  }
}

// Row r = (c, ky, kx), pixel p = (iy, ix) to channel c, pixel (iy·kh + ky, ix·kw + kx) of dst, plus bias[c].
// Its own entry: the integer divisions would slow every other store.
fn store_scatter(t: Tile, tile: array<mat4x4<f32>, 8>) {
  let kk = mm.kh * mm.kw;
  for (var m = 0; m < 8; m++) {
    let rg = t.r0 + (m / 4) * 4;
    let r = min(vec4<i32>(rg) + LANES, vec4<i32>(mm.r - 1));
    let c = r / kk;
    let b = vec4<f32>(bias[c.x], bias[c.y], bias[c.z], bias[c.w]);
    let rows = ((t.n * mm.dc + c) * (mm.p / mm.iw * mm.kh) + r % kk / mm.kw) * (mm.iw * mm.kw) + r % mm.kw;
    let pg = t.p0 + (m % 4) * 4;
    for (var j = 0; j < 4 && pg + j < mm.p; j++) {
      let pix = (pg + j) / mm.iw * kk * mm.iw + (pg + j) % mm.iw * mm.kw;
      let v = activate(tile[m][j] + b);
      for (var i = 0; i < 4 && rg + i < mm.r; i++) { dst[rows[i] + pix] = v[i]; }
    }
  }
}

fn bias4(r0: i32) -> vec4<f32> {
  let r = min(vec4<i32>(r0) + LANES, vec4<i32>(mm.r - 1));
  return vec4<f32>(bias[r.x], bias[r.y], bias[r.z], bias[r.w]);
}

@compute @workgroup_size(WG)
fn conv2d_fwd_1x1(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= mm.tiles) { return; }
  let t = tile_of(i);
  store_tile(t, gemm_tile(t), array(bias4(t.r0), bias4(t.r0 + 4)));
}

@compute @workgroup_size(WG)
fn conv2d_bwd_input_1x1(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= mm.tiles) { return; }
  let t = tile_of(i);
  store_tile(t, gemm_tile(t), array(vec4<f32>(), vec4<f32>()));
}

@compute @workgroup_size(WG)
fn conv_transpose2d_fwd_1x1(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= mm.tiles) { return; }
  let t = tile_of(i);
  store_scatter(t, gemm_tile(t));
}
