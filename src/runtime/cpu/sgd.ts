import type { Arr } from '../host-tensor.ts';

export interface SgdHyper {
  lr: number;
  momentum: number;
  weightDecay: number;
}

/**
 * One step of SGD with momentum (dampening 0) and L2 weight decay, in place:
 * g = grad + weightDecay·param; velocity = momentum·velocity + g; param −= lr·velocity.
 */
export function sgdStep(param: Arr, grad: Arr, velocity: Arr, { lr, momentum, weightDecay }: SgdHyper): void {
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] + weightDecay * param[i];
    velocity[i] = momentum * velocity[i] + g;
    param[i] -= lr * velocity[i];
  }
}
