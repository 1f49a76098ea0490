// Max pool (floor or ceil mode, windows clipped to the image, never reading
// padding), forward and backward.
// One invocation per output element (forward) or per input element (backward);
// the launch may be folded into 2-D (see src/runtime/gpu/dispatch.ts).

const WG: u32 = 256u;

// total: invocations of this launch; sizes as i32 so window edges may go negative.
struct MaxPoolParams { total: u32, h: i32, w: i32, oh: i32, ow: i32, kernel: i32, stride: i32, pad: i32 };

@group(0) @binding(0) var<uniform> mp: MaxPoolParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<storage, read_write> arg: array<i32>; // window argmaxes (within the plane), [N, C, OH, OW]

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 { return g.x + g.y * nwg.x * WG; }

// Bit test: compilers may assume `v != v` is false, an integer compare they may not.
fn is_nan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }

// Index (within the plane) of the first maximum of window (oy, ox), scanning the
// window row-major over in-image positions only. The first NaN wins and stays.
fn window_argmax(plane: u32, oy: i32, ox: i32) -> i32 {
  let y0 = oy * mp.stride - mp.pad;
  let x0 = ox * mp.stride - mp.pad;
  let ylo = max(y0, 0);
  let xlo = max(x0, 0);
  let yhi = min(y0 + mp.kernel, mp.h);
  let xhi = min(x0 + mp.kernel, mp.w);
  var best_at = ylo * mp.w + xlo;
  var best = x[plane + u32(best_at)];
  for (var iy = ylo; iy < yhi; iy++) {
    for (var ix = xlo; ix < xhi; ix++) {
      if (is_nan(best)) { return best_at; }
      let at = iy * mp.w + ix;
      let v = x[plane + u32(at)];
      if (v > best || is_nan(v)) {
        best = v;
        best_at = at;
      }
    }
  }
  return best_at;
}

@compute @workgroup_size(WG)
fn maxpool_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let ow = u32(mp.ow);
  let oh = u32(mp.oh);
  let ox = i32(i % ow);
  let oy = i32((i / ow) % oh);
  let nc = i / (ow * oh);
  let plane = nc * u32(mp.h * mp.w);
  y[i] = x[plane + u32(window_argmax(plane, oy, ox))];
}

// 3×3 windows with stride 2 (the nets' pools): 2 output rows × 4 output columns per invocation
// from the 5 input rows × 9 input columns under them, straight-line. A window position off the
// image reads the nearest in-image pixel, which lies in the same window (a window always starts
// inside the image or its padding and reaches into the image), so the maxima are unchanged;
// outputs past the edge are not stored. The first NaN in a window wins, as in window_argmax.
fn max_nan(a: f32, b: f32) -> f32 { return select(a, b, b > a || is_nan(b)); }
fn max3(a: f32, b: f32, c: f32) -> f32 { return max_nan(max_nan(a, b), c); }

// The maxima of the 4 three-column windows of input row iy (clamped) starting at column x0.
fn row_max4(plane: u32, iy: i32, x0: i32) -> vec4<f32> {
  let r = u32(clamp(iy, 0, mp.h - 1) * mp.w) + plane;
  let v2 = at(r, x0 + 2);
  let v4 = at(r, x0 + 4);
  let v6 = at(r, x0 + 6);
  return vec4<f32>(max3(at(r, x0), at(r, x0 + 1), v2), max3(v2, at(r, x0 + 3), v4),
                   max3(v4, at(r, x0 + 5), v6), max3(v6, at(r, x0 + 7), at(r, x0 + 8)));
}

fn at(row: u32, ix: i32) -> f32 { return x[row + u32(clamp(ix, 0, mp.w - 1))]; }

fn max3v(a: vec4<f32>, b: vec4<f32>, c: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(max3(a.x, b.x, c.x), max3(a.y, b.y, c.y), max3(a.z, b.z, c.z), max3(a.w, b.w, c.w));
}

@compute @workgroup_size(WG)
fn maxpool_fwd_3x3s2(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let col_tiles = u32(mp.ow + 3) / 4u;
  let row_tiles = u32(mp.oh + 1) / 2u;
  let ox0 = i32(i % col_tiles) * 4;
  let oy0 = i32((i / col_tiles) % row_tiles) * 2;
  let nc = i / (col_tiles * row_tiles);
  let plane = nc * u32(mp.h * mp.w);
  let y0 = oy0 * 2 - mp.pad;
  let x0 = ox0 * 2 - mp.pad;
  let r2 = row_max4(plane, y0 + 2, x0);
  let top = max3v(row_max4(plane, y0, x0), row_max4(plane, y0 + 1, x0), r2);
  let bottom = max3v(r2, row_max4(plane, y0 + 3, x0), row_max4(plane, y0 + 4, x0));
  let out = nc * u32(mp.oh * mp.ow);
  for (var j = 0; j < 4; j++) {
    if (ox0 + j >= mp.ow) { break; }
    y[out + u32(oy0 * mp.ow + ox0 + j)] = top[j];
    if (oy0 + 1 < mp.oh) { y[out + u32((oy0 + 1) * mp.ow + ox0 + j)] = bottom[j]; }
  }
}

// Backward, first pass: each window's argmax, once (as maxpool_fwd scans).
@compute @workgroup_size(WG)
fn maxpool_argmax(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let ox = i32(i % u32(mp.ow));
  let oy = i32((i / u32(mp.ow)) % u32(mp.oh));
  arg[i] = window_argmax(i / u32(mp.ow * mp.oh) * u32(mp.h * mp.w), oy, ox);
}

// Second pass, gather form: each input element sums dy over the windows that contain it and
// whose argmax it is. Window oy covers rows oy*s-p .. oy*s-p+k-1.
@compute @workgroup_size(WG)
fn maxpool_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let ix = i32(i % u32(mp.w));
  let iy = i32((i / u32(mp.w)) % u32(mp.h));
  let out_plane = i / u32(mp.w * mp.h) * u32(mp.oh * mp.ow);
  let at = iy * mp.w + ix;
  // Windows oy with oy*s-p <= iy < oy*s-p+k, i.e. (iy+p-k+1)/s <= oy <= (iy+p)/s.
  let oy_lo = max(0, ceil_div_nonneg(iy + mp.pad - mp.kernel + 1, mp.stride));
  let oy_hi = min(mp.oh - 1, (iy + mp.pad) / mp.stride);
  let ox_lo = max(0, ceil_div_nonneg(ix + mp.pad - mp.kernel + 1, mp.stride));
  let ox_hi = min(mp.ow - 1, (ix + mp.pad) / mp.stride);
  var sum = 0.0;
  for (var oy = oy_lo; oy <= oy_hi; oy++) {
    for (var ox = ox_lo; ox <= ox_hi; ox++) {
      let o = out_plane + u32(oy * mp.ow + ox);
      if (arg[o] == at) { sum += dy[o]; }
    }
  }
  dx[i] = sum;
}

// ceil(a / b) for b > 0, returning 0 when a <= 0 (callers clamp at 0 anyway).
fn ceil_div_nonneg(a: i32, b: i32) -> i32 { return select((a + b - 1) / b, 0, a <= 0); }

// Backward of 3×3 windows with stride 2 (the nets' pools), straight-line. First pass: one window's
// argmax from its 9 positions clamped into the image; a clamped position repeats an in-image one
// of the same window, so the first maximum (first NaN) is the same element as window_argmax's.
fn takes(best: f32, v: f32) -> bool { return v > best || (is_nan(v) && !is_nan(best)); }

@compute @workgroup_size(WG)
fn maxpool_argmax_3x3s2(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let ox = i32(i % u32(mp.ow));
  let oy = i32((i / u32(mp.ow)) % u32(mp.oh));
  let plane = i / u32(mp.ow * mp.oh) * u32(mp.h * mp.w);
  var best_at = -1;
  var best = 0.0;
  for (var ky = 0; ky < 3; ky++) {
    let row = clamp(oy * 2 - mp.pad + ky, 0, mp.h - 1) * mp.w;
    for (var kx = 0; kx < 3; kx++) {
      let at = row + clamp(ox * 2 - mp.pad + kx, 0, mp.w - 1);
      let v = x[plane + u32(at)];
      let t = best_at < 0 || takes(best, v);
      best = select(best, v, t);
      best_at = select(best_at, at, t);
    }
  }
  arg[i] = best_at;
}

// Second pass, 2 × 2 inputs per invocation: rows iy with iy + p = 2m or 2m + 1 (likewise columns)
// lie in windows m − 1 (2m only) and m, so 4 windows' argmaxes and dy serve all 4 inputs.
fn window_arg(plane: u32, oy: i32, ox: i32) -> i32 {
  let inside = oy >= 0 && oy < mp.oh && ox >= 0 && ox < mp.ow;
  return select(-1, arg[plane + u32(clamp(oy, 0, mp.oh - 1) * mp.ow + clamp(ox, 0, mp.ow - 1))], inside);
}
fn window_dy(plane: u32, oy: i32, ox: i32) -> f32 { return dy[plane + u32(clamp(oy, 0, mp.oh - 1) * mp.ow + clamp(ox, 0, mp.ow - 1))]; }
fn store_dx(plane: u32, iy: i32, ix: i32, v: f32) {
  if (iy >= 0 && iy < mp.h && ix >= 0 && ix < mp.w) { dx[plane + u32(iy * mp.w + ix)] = v; }
}

@compute @workgroup_size(WG)
fn maxpool_bwd_3x3s2(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let cols = u32(mp.w + mp.pad + 1) / 2u;
  let rows = u32(mp.h + mp.pad + 1) / 2u;
  let m = i32((i / cols) % rows);
  let n = i32(i % cols);
  let nc = i / (cols * rows);
  let op = nc * u32(mp.oh * mp.ow);
  // windows: a = (m − 1, n − 1), b = (m − 1, n), c = (m, n − 1), d = (m, n)
  let aa = window_arg(op, m - 1, n - 1); let ab = window_arg(op, m - 1, n);
  let ac = window_arg(op, m, n - 1); let ad = window_arg(op, m, n);
  let da = window_dy(op, m - 1, n - 1); let db = window_dy(op, m - 1, n);
  let dc = window_dy(op, m, n - 1); let dd = window_dy(op, m, n);
  let y0 = 2 * m - mp.pad; let x0 = 2 * n - mp.pad;
  let at = y0 * mp.w + x0; // input (y0, x0); the others at +1, +w, +w+1
  // summed in maxpool_bwd's window order: rows, then columns, upper and left ones first
  let plane = nc * u32(mp.h * mp.w);
  store_dx(plane, y0, x0, select(0.0, da, aa == at) + select(0.0, db, ab == at) + select(0.0, dc, ac == at) + select(0.0, dd, ad == at));
  store_dx(plane, y0, x0 + 1, select(0.0, db, ab == at + 1) + select(0.0, dd, ad == at + 1));
  store_dx(plane, y0 + 1, x0, select(0.0, dc, ac == at + mp.w) + select(0.0, dd, ad == at + mp.w));
  store_dx(plane, y0 + 1, x0 + 1, select(0.0, dd, ad == at + mp.w + 1));
}
