import type { Net } from '../nets/net.ts';
import { profileForward, releaseProfiled, type LayerTiming, type TimingMethod } from '../nets/profile.ts';
import { DeviceLostError } from '../runtime/errors.ts';
import type { Tensor } from '../runtime/tensor.ts';

/** Per-layer times of a forward pass, or why they could not be measured. */
export type LayerProfile = { layers: LayerTiming[]; timing: TimingMethod } | { error: string };

/**
 * Times each layer of a second forward pass of `x`. A failure there costs the chart, not the
 * prediction already made, unless the device was lost (the caller moves to the CPU then).
 */
export async function profileLayersOf(net: Net, x: Tensor, method?: TimingMethod): Promise<LayerProfile> {
  try {
    const profiled = await profileForward(net, x, { method });
    releaseProfiled(profiled);
    return { layers: profiled.layers, timing: profiled.method };
  } catch (err) {
    if (err instanceof DeviceLostError) throw err;
    return { error: (err instanceof Error && err.message) || String(err) };
  }
}
