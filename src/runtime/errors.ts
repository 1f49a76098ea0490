/** The GPU device went away (driver reset, tab backgrounded, device.destroy()); GPU tensors are gone. */
export class DeviceLostError extends Error {
  constructor(readonly reason: string) {
    super(`WebGPU device lost: ${reason}`);
    this.name = 'DeviceLostError';
  }
}
