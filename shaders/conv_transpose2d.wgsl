// Transposed 2-D convolution, w in PyTorch/ONNX ConvTranspose layout [Cin, Cout, KH, KW]:
//   y[n,co,oy,ox] = b[co] + Σ x[n,ci,iy,ix] · w[ci,co,ky,kx]  where oy = iy·sh - ph + ky, ox = ix·sw - pw + kx.
// Entries gather (no atomics) and keep a tile of sums in registers without workgroup memory
// (SwiftShader is slow at barriers). Launches are 1-D, maybe folded into 2-D; src/runtime/ops/
// conv-transpose2d.ts sizes them and sets `tiles`. Loads past an edge read a clamped address,
// masked to 0 where they would enter a sum; stores past an edge are skipped.

const WG: u32 = 64u;
const T: i32 = 4;
const IOTA = vec4<i32>(0, 1, 2, 3);

struct Geometry {
  total: u32, tiles: i32, // invocations in this launch; tiles along the entry's fastest axis
  batch: i32, cin: i32, ih: i32, iw: i32,
  cout: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32,
};

@group(0) @binding(0) var<uniform> p: Geometry;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
@group(0) @binding(7) var<storage, read_write> dw: array<f32>;
@group(0) @binding(10) var<storage, read_write> dy_rows: array<f32>; // conv_transpose2d_gather: dy as [N, R, P]

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 { return g.x + g.y * nwg.x * WG; }

// Channels c0..c0+3, clamped to the last real one (those sums are never stored).
fn channels(c0: i32, count: i32) -> vec4<i32> { return min(vec4<i32>(c0) + IOTA, vec4<i32>(count - 1)); }

// Forward: 4 output channels × 4 output columns ox0, ox0 + sw, .. of one row.
@compute @workgroup_size(WG)
fn conv_transpose2d_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= p.total) { return; }
  var r = i32(i);
  let t = r % p.tiles; r /= p.tiles;
  let phase = r % p.sw; r /= p.sw;
  let oy = r % p.oh; r /= p.oh;
  let cblocks = (p.cout + T - 1) / T;
  let c0 = (r % cblocks) * T;
  let n = r / cblocks;
  // Columns ox0 + j·sw meet the same kernel columns kx, at adjacent input columns.
  let ox0 = phase + t * T * p.sw;
  var a: array<vec4<f32>, 4>; // a[j]: column j, 4 channels
  // Only kernel rows ky ≡ oy + ph (mod sh) reach this output row; likewise for columns.
  for (var ky = (oy + p.ph) % p.sh; ky < p.kh; ky += p.sh) {
    let iy = (oy + p.ph - ky) / p.sh; // exact division
    if (iy < 0 || iy >= p.ih) { continue; }
    for (var kx = (ox0 + p.pw) % p.sw; kx < p.kw; kx += p.sw) {
      let ix = vec4<i32>((ox0 + p.pw - kx) / p.sw) + IOTA;
      let inside = (ix >= vec4<i32>(0)) & (ix < vec4<i32>(p.iw));
      let xo = (n * p.cin * p.ih + iy) * p.iw + clamp(ix, vec4<i32>(0), vec4<i32>(p.iw - 1));
      let wo = channels(c0, p.cout) * p.kh * p.kw + ky * p.kw + kx;
      for (var ci = 0; ci < p.cin; ci++) {
        let wb = ci * p.cout * p.kh * p.kw;
        let xb = ci * p.ih * p.iw;
        let wv = vec4<f32>(w[wb + wo.x], w[wb + wo.y], w[wb + wo.z], w[wb + wo.w]);
        a[0] += wv * select(0.0, x[xb + xo.x], inside.x);
        a[1] += wv * select(0.0, x[xb + xo.y], inside.y);
        a[2] += wv * select(0.0, x[xb + xo.z], inside.z);
        a[3] += wv * select(0.0, x[xb + xo.w], inside.w);
      }
    }
  }
  for (var e = 0; e < T * T; e++) {
    let ox = ox0 + (e / T) * p.sw;
    let co = c0 + e % T;
    if (ox < p.ow && co < p.cout) { y[((n * p.cout + co) * p.oh + oy) * p.ow + ox] = a[e / T][e % T] + b[co]; }
  }
}

// Kernel == stride, pad 0 (conv-transpose2d.ts): the forward is a GEMM on the conv2d 1×1 kernel, which stores
// each sum at its output pixel, and the backward reads dy through this gather as [N, R, P] (R = Cout·KH·KW rows).
// dy_rows[n, r, iy·W + ix] = dy[n, co, iy·sh + ky, ix·sw + kx].
@compute @workgroup_size(WG)
fn conv_transpose2d_gather(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= p.total) { return; }
  let ix = i32(i) % p.iw;
  let iy = i32(i) / p.iw % p.ih;
  let r = i32(i) / (p.iw * p.ih) % (p.cout * p.kh * p.kw);
  let n = i32(i) / (p.iw * p.ih * p.cout * p.kh * p.kw);
  let co = r / (p.kh * p.kw);
  dy_rows[i] = dy[((n * p.cout + co) * p.oh + iy * p.sh + r / p.kw % p.kh) * p.ow + ix * p.sw + r % p.kw];
}

// dx[n,ci,iy,ix] = Σ dy[n,co,iy·sh - ph + ky, ix·sw - pw + kx] · w[ci,co,ky,kx]: 4 channels × 4 columns.
@compute @workgroup_size(WG)
fn conv_transpose2d_bwd_input(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= p.total) { return; }
  var r = i32(i);
  let ix0 = (r % p.tiles) * T; r /= p.tiles;
  let iy = r % p.ih; r /= p.ih;
  let cblocks = (p.cin + T - 1) / T;
  let c0 = (r % cblocks) * T;
  let n = r / cblocks;
  let kk = p.kh * p.kw;
  var a: array<vec4<f32>, 4>; // a[j]: column ix0 + j, 4 channels
  for (var ky = 0; ky < p.kh; ky++) {
    let oy = iy * p.sh - p.ph + ky;
    if (oy < 0 || oy >= p.oh) { continue; }
    for (var kx = 0; kx < p.kw; kx++) {
      let ox = (vec4<i32>(ix0) + IOTA) * p.sw - p.pw + kx;
      let inside = (ox >= vec4<i32>(0)) & (ox < vec4<i32>(p.ow));
      let dyo = (n * p.cout * p.oh + oy) * p.ow + clamp(ox, vec4<i32>(0), vec4<i32>(p.ow - 1));
      let wo = channels(c0, p.cin) * p.cout * kk + ky * p.kw + kx;
      for (var co = 0; co < p.cout; co++) {
        let wb = co * kk;
        let dyb = co * p.oh * p.ow;
        let wv = vec4<f32>(w[wb + wo.x], w[wb + wo.y], w[wb + wo.z], w[wb + wo.w]);
        a[0] += wv * select(0.0, dy[dyb + dyo.x], inside.x);
        a[1] += wv * select(0.0, dy[dyb + dyo.y], inside.y);
        a[2] += wv * select(0.0, dy[dyb + dyo.z], inside.z);
        a[3] += wv * select(0.0, dy[dyb + dyo.w], inside.w);
      }
    }
  }
  for (var e = 0; e < T * T; e++) {
    let ix = ix0 + e / T;
    let ci = c0 + e % T;
    if (ix < p.iw && ci < p.cin) { dx[((n * p.cin + ci) * p.ih + iy) * p.iw + ix] = a[e / T][e % T]; }
  }
}

// dw[ci,co,ky,kx] = Σ_n Σ_iy,ix x[n,ci,iy,ix] · dy[n,co,iy·sh - ph + ky, ix·sw - pw + kx]; 4 ci × 4 co at one tap.
@compute @workgroup_size(WG)
fn conv_transpose2d_bwd_weight(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= p.total) { return; }
  let kk = p.kh * p.kw;
  let tap = i32(i) % kk;
  let ky = tap / p.kw;
  let kx = tap % p.kw;
  let coblocks = (p.cout + T - 1) / T;
  let co0 = (i32(i) / kk % coblocks) * T;
  let ci0 = i32(i) / kk / coblocks * T;
  let xc = channels(ci0, p.cin) * p.ih * p.iw;
  let dyc = channels(co0, p.cout) * p.oh * p.ow;
  var a: array<vec4<f32>, 4>; // a[k]: input channel ci0 + k, output channels co0..co0+3
  for (var n = 0; n < p.batch; n++) {
    for (var iy = 0; iy < p.ih; iy++) {
      let oy = iy * p.sh - p.ph + ky;
      if (oy < 0 || oy >= p.oh) { continue; }
      for (var ix = 0; ix < p.iw; ix++) {
        let ox = ix * p.sw - p.pw + kx;
        if (ox < 0 || ox >= p.ow) { continue; }
        let xo = (n * p.cin * p.ih + iy) * p.iw + ix;
        let dyo = (n * p.cout * p.oh + oy) * p.ow + ox;
        let dv = vec4<f32>(dy[dyo + dyc.x], dy[dyo + dyc.y], dy[dyo + dyc.z], dy[dyo + dyc.w]);
        a[0] += x[xo + xc.x] * dv;
        a[1] += x[xo + xc.y] * dv;
        a[2] += x[xo + xc.z] * dv;
        a[3] += x[xo + xc.w] * dv;
      }
    }
  }
  for (var k = 0; k < T; k++) {
    for (var c = 0; c < T; c++) {
      if (ci0 + k < p.cin && co0 + c < p.cout) { dw[((ci0 + k) * p.cout + co0 + c) * kk + tap] = a[k][c]; }
    }
  }
}
