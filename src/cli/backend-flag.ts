import { BACKEND_CHOICES, type BackendChoice } from '../runtime/create-backend.ts';

/** --backend, checked as the flags are read: before any slow work, and before a file is written. */
export function backendFlag(text: string | undefined): BackendChoice {
  const value = text ?? 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(value)) throw new Error(`--backend must be webgpu, cpu or auto, got "${text}"`);
  return value as BackendChoice;
}
