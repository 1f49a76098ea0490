// conv2d weight gradient for 3×3 kernels with stride 1 (any padding), beside shaders/conv2d-3x3.wgsl:
//   dw[o, c, ky, kx] = Σ dy[n, o, oy, ox]·x[n, c, oy − ph + ky, ox − pw + kx]
// The (n, pixel) sum is cut into splits whose partial sums conv2d_reduce_splits adds.
const WG: u32 = 64u;
const LANES = vec4<i32>(0, 1, 2, 3);

struct WeightGrad3x3 {
  n: i32, c: i32, h: i32, w: i32, o: i32, oh: i32, ow: i32, ph: i32, pw: i32,
  quads: i32,  // N·OH·⌈OW/4⌉ row quads of output pixels in the sum
  chunk: i32,  // quads per split of the sum
  tiles: i32,  // invocations: ⌈O/8⌉·C·splits
  yc: i32, y0: i32,  // dy holds channels [y0, y0 + o) of yc
};

@group(0) @binding(0) var<uniform> wg: WeightGrad3x3;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> i32 {
  return i32(g.x + g.y * nwg.x * WG);
}

// src[row, ix .. ix+3] of a row `width` wide, zero outside the image.
fn load4(row: i32, row_ok: bool, ix: i32, width: i32) -> vec4<f32> {
  let i = vec4<i32>(ix) + LANES;
  let ok = (i >= vec4<i32>(0)) & (i < vec4<i32>(width)) & vec4<bool>(row_ok);
  let j = select(vec4<i32>(0), row + i, ok);
  return select(vec4<f32>(), vec4<f32>(src[j.x], src[j.y], src[j.z], src[j.w]), ok);
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
    let at = ((n * wg.yc + wg.y0) * wg.oh + oy) * wg.ow + ox;
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
