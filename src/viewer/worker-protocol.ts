// The messages between the page (main.ts) and the model worker (model-worker.ts).
import type { BackendName } from '../runtime/backend.ts';
import type { LayerProfile } from './layer-profile.ts';
import type { GrayImage } from '../train/data/image.ts';

export type BackendWish = BackendName | 'auto';

/** A model file, by URL (fetched by the worker) or as bytes the user opened. */
export interface ModelFile {
  source: string;
  url?: string;
  bytes?: Uint8Array;
}

export type WorkerRequest =
  /** One model file, or several: an ensemble, whose P(COVID) is the mean of its members'. */
  | { kind: 'load-model'; files: ModelFile[] }
  | { kind: 'use-backend'; backend: BackendWish }
  | { kind: 'predict'; fileName: string; bytes: Uint8Array };

export interface ModelSummary {
  source: string;
  net: string;
  classNames: string[];
  /** The model's training record, as one line of text. */
  training: string;
  parameters: number;
}

export interface BackendInfo {
  name: BackendName;
  /** "WebGPU (adapter name)" or "CPU (JavaScript)". */
  description: string;
  /** Why WebGPU is not in use after asking for 'auto' or 'webgpu'. */
  webgpuUnavailable: string | null;
  /** WebGPU was in use until its device was lost; the model runs on the CPU since. */
  webgpuLost: boolean;
}

export interface Prediction {
  fileName: string;
  /** The decoded slice, gray in [0, 1], cropped as the model (an ensemble's first member) crops its input, and scaled down to at most 1024 pixels a side: the picture under the CAM. */
  image: GrayImage;
  /** The size of the slice as decoded, before any crop. */
  fileSize: { width: number; height: number };
  /** Its size as the model crops it. */
  croppedSize: { width: number; height: number };
  label: string;
  pCovid: number;
  backend: BackendInfo;
  /** Wall time of one forward pass (input upload to logits read back), warm; of an ensemble, its members' together. */
  latencyMs: number;
  /** Time spent before the first image on a fresh backend (uploading weights, compiling shaders), or null. */
  warmUpMs: number | null;
  /** The class activation map of the predicted class at feature resolution, and that class; of an ensemble, its members' maps placed over the first member's crop (ensembleCam). */
  cam: { data: Float32Array; width: number; height: number; className: string };
  /** Per-layer times of the (first member's) net. */
  profile: LayerProfile;
}

export type WorkerReply =
  | { id: number; kind: 'model'; models: ModelSummary[] }
  | { id: number; kind: 'backend'; backend: BackendInfo }
  | { id: number; kind: 'prediction'; prediction: Prediction }
  | { id: number; kind: 'error'; message: string };

export type Tagged<T> = T & { id: number };
