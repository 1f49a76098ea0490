import { afterAll, beforeAll, describe } from 'vitest';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { webgpuForTests } from './webgpu.ts';

/** `body`'s tests once on the cpu backend and once on webgpu (Dawn); `backend()` is the run's, made before its tests and disposed after. */
export function describeOnBothBackends(title: string, body: (backend: () => Backend) => void): void {
  describe.each(['cpu', 'webgpu'] as const)(`${title} (%s)`, (kind) => {
    let backend: Backend;
    beforeAll(async () => {
      backend = kind === 'cpu' ? new CpuBackend() : await webgpuForTests();
    });
    afterAll(() => backend?.dispose());
    body(() => backend);
  });
}
