import { activateTask, activationGradTask } from './activation-fast.ts';
import { conv2dBwdTask, conv2dFwdTask } from './conv2d-fast.ts';
import { convTranspose2dBwdTask, convTranspose2dFwdTask } from './conv-transpose2d-fast.ts';
import { maxpoolBwdTask, maxpoolFwdTask } from './maxpool-fast.ts';
import type { Task } from './parallel.ts';
import { sumPartsTask } from './sum-parts.ts';

/** Every task a worker thread can run, by name. */
export const tasks: ReadonlyMap<string, Task<never>> = new Map(
  [conv2dFwdTask, conv2dBwdTask, convTranspose2dFwdTask, convTranspose2dBwdTask, maxpoolFwdTask, maxpoolBwdTask, activateTask, activationGradTask, sumPartsTask].map((t) => [t.name, t as Task<never>]),
);
