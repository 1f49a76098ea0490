// conv2d 1×1 (stride 1, no padding) weight gradient, the GEMM over every pixel of the batch:
//   dw[o][c] = Σ_(n,p) dy[n][o][p] · x[n][c][p]
// (its forward and input gradient are in conv2d-1x1.wgsl). Lanes past the end load clamped addresses
// and are zeroed where they would enter a sum.

const WG: u32 = 64u;
const LANES = vec4<i32>(0, 1, 2, 3);

struct WeightGrad {
  o: i32, c: i32, p: i32,
  quads: i32,  // N·⌈P/4⌉ groups of 4 pixels in the sum
  chunk: i32,  // groups per split of the sum
  tiles: i32,  // invocations: ⌈O/8⌉·⌈C/8⌉·splits
  yc: i32, y0: i32,  // dy holds channels [y0, y0 + o) of yc
};

@group(0) @binding(0) var<uniform> wg: WeightGrad;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read> x: array<f32>;
@group(0) @binding(7) var<storage, read_write> dw: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> i32 {
  return i32(g.x + g.y * nwg.x * WG);
}

// 4 consecutive values from i; lanes not `ok` are zero (their loads are clamped to the buffer).
fn dy_quad(i: i32, ok: vec4<bool>) -> vec4<f32> {
  let j = min(vec4<i32>(i) + LANES, vec4<i32>(i32(arrayLength(&dy)) - 1));
  return select(vec4<f32>(), vec4<f32>(dy[j.x], dy[j.y], dy[j.z], dy[j.w]), ok);
}
fn x_quad(i: i32, ok: vec4<bool>) -> vec4<f32> {
  let j = min(vec4<i32>(i) + LANES, vec4<i32>(i32(arrayLength(&x)) - 1));
  return select(vec4<f32>(), vec4<f32>(x[j.x], x[j.y], x[j.z], x[j.w]), ok);
}

// dw[o][c] = Σ dy[n][o][p]·x[n][c][p] over the pixel quads [s·chunk, (s+1)·chunk)
// of split s, written to dw[s] (dw itself when there is one split). An 8 × 8
// tile of (o, c); each step multiplies [8 o × 4 pixels] by [4 pixels × 8 c].
@compute @workgroup_size(WG)
fn conv2d_bwd_weight_1x1(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear(gid, nwg);
  if (t >= wg.tiles) { return; }
  let c_tiles = (wg.c + 7) / 8;
  let o_tiles = (wg.o + 7) / 8;
  let c0 = (t % c_tiles) * 8;
  let o0 = (t / c_tiles) % o_tiles * 8;
  let s = t / (c_tiles * o_tiles);
  let per_image = (wg.p + 3) / 4;
  let first = s * wg.chunk;
  let last = min(first + wg.chunk, wg.quads);
  var n = first / per_image;
  var p = (first % per_image) * 4;
  var a00 = mat4x4<f32>(); var a01 = mat4x4<f32>(); var a10 = mat4x4<f32>(); var a11 = mat4x4<f32>();
  for (var k = first; k < last; k++) {
    let ok = vec4<i32>(p) + LANES < vec4<i32>(wg.p);
    let dyn = (n * wg.yc + wg.y0) * wg.p + p;
    let xn = n * wg.c * wg.p + p;
    let d0 = transpose(mat4x4<f32>(dy_quad(dyn + min(o0, wg.o - 1) * wg.p, ok), dy_quad(dyn + min(o0 + 1, wg.o - 1) * wg.p, ok),
                                   dy_quad(dyn + min(o0 + 2, wg.o - 1) * wg.p, ok), dy_quad(dyn + min(o0 + 3, wg.o - 1) * wg.p, ok)));
    let d1 = transpose(mat4x4<f32>(dy_quad(dyn + min(o0 + 4, wg.o - 1) * wg.p, ok), dy_quad(dyn + min(o0 + 5, wg.o - 1) * wg.p, ok),
                                   dy_quad(dyn + min(o0 + 6, wg.o - 1) * wg.p, ok), dy_quad(dyn + min(o0 + 7, wg.o - 1) * wg.p, ok)));
    let x0 = mat4x4<f32>(x_quad(xn + min(c0, wg.c - 1) * wg.p, ok), x_quad(xn + min(c0 + 1, wg.c - 1) * wg.p, ok),
                         x_quad(xn + min(c0 + 2, wg.c - 1) * wg.p, ok), x_quad(xn + min(c0 + 3, wg.c - 1) * wg.p, ok));
    let x1 = mat4x4<f32>(x_quad(xn + min(c0 + 4, wg.c - 1) * wg.p, ok), x_quad(xn + min(c0 + 5, wg.c - 1) * wg.p, ok),
                         x_quad(xn + min(c0 + 6, wg.c - 1) * wg.p, ok), x_quad(xn + min(c0 + 7, wg.c - 1) * wg.p, ok));
    a00 += d0 * x0; a01 += d0 * x1; a10 += d1 * x0; a11 += d1 * x1;
    p += 4;
    if (p >= wg.p) { p = 0; n++; }
  }
  let tile = array(a00, a01, a10, a11);
  for (var m = 0; m < 4; m++) {
    let og = o0 + (m / 2) * 4;
    let cg = c0 + (m % 2) * 4;
    for (var j = 0; j < 4 && cg + j < wg.c; j++) {
      for (var i = 0; i < 4 && og + i < wg.o; i++) { dw[(s * wg.o + og + i) * wg.c + cg + j] = tile[m][j][i]; }
    }
  }
}
