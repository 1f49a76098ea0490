import probe from '../../../shaders/subgroup-probe.wgsl?raw';
import { quietWait } from './device.ts';

const STORAGE_COPY_SRC = 0x80 | 0x4;
const MAP_READ_COPY_DST = 0x1 | 0x8;

/**
 * Runs shaders/subgroup-probe.wgsl: true when every subgroup of a few workgroups is 4
 * consecutive invocations in order (SwiftShader's), the layout the conv kernels' shared loads
 * rely on (shaders/conv2d-*-subgroup.wgsl). `device` must have the 'subgroups' feature.
 */
export async function hasFourLaneSubgroups(device: GPUDevice): Promise<boolean> {
  const counter = device.createBuffer({ size: 4, usage: STORAGE_COPY_SRC });
  const readback = device.createBuffer({ size: 4, usage: MAP_READ_COPY_DST });
  device.pushErrorScope('validation');
  try {
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: probe }), entryPoint: 'subgroup_probe' } });
    const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: counter } }] });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(8);
    pass.end();
    encoder.copyBufferToBuffer(counter, 0, readback, 0, 4);
    device.queue.submit([encoder.finish()]);
    if (await device.popErrorScope()) return false;
    await quietWait(readback.mapAsync(0x1));
    return new Uint32Array(readback.getMappedRange())[0] === 0;
  } finally {
    counter.destroy();
    readback.destroy();
  }
}
