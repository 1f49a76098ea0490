import source from '../../../shaders/channel-sums.wgsl?raw';
import conv2dGeneric from '../../../shaders/conv2d.wgsl?raw';
import type { GpuContext, GpuTensor } from '../gpu/context.ts';

/** Channels [first, first + count) of an [n, channels, hw] tensor. */
export interface ChannelSlice { n: number; channels: number; first: number; count: number; hw: number }

// Each channel's n·hw values are cut among about INVOCATIONS / count invocations, none
// summing fewer than MIN_CHUNK of them; conv2d's split reduction adds the partial sums (every
// op that uses this lists it among its modules already, for its weight gradients).
const INVOCATIONS = 8192;
const MIN_CHUNK = 64;

export const channelSumsModule = { source, fwdEntries: [], bwdEntries: ['channel_sum_parts'] };

/** sums[c] = Σ_n,p src[n, first + c, p] for the slice's channels (a bias gradient). */
export function channelSums(g: GpuContext, src: GpuTensor, sums: GpuTensor, slice: ChannelSlice): void {
  const splits = Math.max(1, Math.min(Math.ceil(INVOCATIONS / slice.count), Math.floor((slice.n * slice.hw) / MIN_CHUNK)));
  const uniforms = { ...slice, splits };
  const threads = slice.count * splits;
  if (splits === 1) {
    g.run(source, 'channel_sum_parts', { src, part: sums }, uniforms, { threads });
    return;
  }
  const part = g.scratch([splits, slice.count]);
  g.run(source, 'channel_sum_parts', { src, part }, uniforms, { threads });
  g.run(conv2dGeneric, 'conv2d_reduce_splits', { part, dw: sums }, { count: slice.count, splits }, { threads: slice.count });
}
