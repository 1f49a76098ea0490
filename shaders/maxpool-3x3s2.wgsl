// Max pool with 3×3 windows and stride 2 (the nets' pools), forward and backward, straight-line
// (maxpool.wgsl has any other window and the scan order these keep: the first maximum of a
// window, row-major, wins, and the first NaN wins and stays). A window position off the image
// reads the nearest in-image pixel, which lies in the same window (a window always starts inside
// the image or its padding and reaches into it) and comes before or after the pixel it repeats
// in the scan, so the maxima and their first positions are unchanged.

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
fn nan4(v: vec4<f32>) -> vec4<bool> { return (bitcast<vec4<u32>>(v) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u); }

// The first maxima of 4 windows and where they are (within the plane).
struct Best { v: vec4<f32>, at: vec4<i32> };

// b, or the later candidate where it is greater, or NaN where b is not.
fn later(b: Best, c: Best) -> Best {
  let t = (c.v > b.v) | (nan4(c.v) & !nan4(b.v));
  return Best(select(b.v, c.v, t), select(b.at, c.at, t));
}

// Columns x0 + k, + 2, + 4, + 6 of input row iy (both clamped into the image).
fn columns(plane: u32, iy: i32, x0: i32, k: i32) -> Best {
  let at = clamp(iy, 0, mp.h - 1) * mp.w + clamp(vec4<i32>(x0 + k) + vec4<i32>(0, 2, 4, 6), vec4<i32>(0), vec4<i32>(mp.w - 1));
  return Best(vec4<f32>(x[plane + u32(at.x)], x[plane + u32(at.y)], x[plane + u32(at.z)], x[plane + u32(at.w)]), at);
}

// Row iy's part of the 4 three-column windows starting at columns x0, x0 + 2, x0 + 4, x0 + 6.
fn row_best(plane: u32, iy: i32, x0: i32) -> Best {
  return later(later(columns(plane, iy, x0, 0), columns(plane, iy, x0, 1)), columns(plane, iy, x0, 2));
}

// A tile of 2 output rows × 4 output columns from the 5 input rows × 9 input columns under it:
// the windows of row oy0 (top) and oy0 + 1 (bottom).
struct Tile { top: Best, bottom: Best, out: u32, oy0: i32, ox0: i32 };

fn tile(i: u32) -> Tile {
  let col_tiles = u32(mp.ow + 3) / 4u;
  let row_tiles = u32(mp.oh + 1) / 2u;
  let ox0 = i32(i % col_tiles) * 4;
  let oy0 = i32((i / col_tiles) % row_tiles) * 2;
  let nc = i / (col_tiles * row_tiles);
  let plane = nc * u32(mp.h * mp.w);
  let y0 = oy0 * 2 - mp.pad;
  let x0 = ox0 * 2 - mp.pad;
  let r2 = row_best(plane, y0 + 2, x0);
  let top = later(later(row_best(plane, y0, x0), row_best(plane, y0 + 1, x0)), r2);
  let bottom = later(later(r2, row_best(plane, y0 + 3, x0)), row_best(plane, y0 + 4, x0));
  return Tile(top, bottom, nc * u32(mp.oh * mp.ow), oy0, ox0);
}

// Where output j of the tile's row (0 top, 1 bottom) goes; −1 past the edge.
fn slot(t: Tile, row: i32, j: i32) -> i32 {
  return select(-1, i32(t.out) + (t.oy0 + row) * mp.ow + t.ox0 + j, t.ox0 + j < mp.ow && t.oy0 + row < mp.oh);
}

@compute @workgroup_size(WG)
fn maxpool_fwd_3x3s2(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let t = tile(i);
  for (var j = 0; j < 4; j++) {
    if (slot(t, 0, j) >= 0) { y[slot(t, 0, j)] = t.top.v[j]; }
    if (slot(t, 1, j) >= 0) { y[slot(t, 1, j)] = t.bottom.v[j]; }
  }
}

// Backward, first pass: each window's argmax, by the forward's tiles.
@compute @workgroup_size(WG)
fn maxpool_argmax_3x3s2(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let t = tile(i);
  for (var j = 0; j < 4; j++) {
    if (slot(t, 0, j) >= 0) { arg[slot(t, 0, j)] = t.top.at[j]; }
    if (slot(t, 1, j) >= 0) { arg[slot(t, 1, j)] = t.bottom.at[j]; }
  }
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
