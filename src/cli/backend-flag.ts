import type { BackendChoice } from '../runtime/create-backend.ts';

const CHOICES: readonly string[] = ['webgpu', 'cpu', 'auto'] satisfies BackendChoice[];

/** --backend, checked as the flags are read: before any slow work, and before a file is written. */
export function backendFlag(text: string | undefined): BackendChoice {
  const value = text ?? 'auto';
  if (!CHOICES.includes(value)) throw new Error(`--backend must be webgpu, cpu or auto, got "${text}"`);
  return value as BackendChoice;
}
