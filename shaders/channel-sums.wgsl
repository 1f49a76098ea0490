// Per-channel sums of a [N, C, H·W] tensor over channels [first, first + count): the bias
// gradients of conv2d, fire_expand and conv_transpose2d (src/runtime/ops/channel-sums-gpu.ts).
//   channel_sum_parts   invocation (c, s) adds values s, s + splits, s + 2·splits, … of channel
//                       c's N·H·W, so neighbouring invocations read neighbouring values; with
//                       splits = 1 it writes the channel's whole sum
// conv2d.wgsl's conv2d_reduce_splits then adds the parts.
// A channel's sum is cut into splits because one invocation per channel leaves a GPU nearly
// idle: conv1 has 64 channels of N·112·112 values at 224.
const WG: u32 = 64u;

struct ChannelSums { n: u32, channels: u32, first: u32, count: u32, hw: u32, splits: u32 };

@group(0) @binding(0) var<uniform> cs: ChannelSums;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return g.x + g.y * nwg.x * WG;
}

@compute @workgroup_size(WG)
fn channel_sum_parts(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= cs.count * cs.splits) { return; }
  let c = i / cs.splits;
  let s = i % cs.splits;
  var n = s / cs.hw;
  var p = s % cs.hw;
  var sum = 0.0;
  while (n < cs.n) {
    sum += src[(n * cs.channels + cs.first + c) * cs.hw + p];
    p += cs.splits;
    if (p >= cs.hw) {
      n += p / cs.hw;
      p = p % cs.hw;
    }
  }
  part[s * cs.count + c] = sum;
}
