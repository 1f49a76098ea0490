import type { BackendInfo, BackendWish, ModelFile, ModelSummary, Prediction, Tagged, WorkerReply, WorkerRequest } from './worker-protocol.ts';

type Pending = { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void };

/** The page's side of the model worker: one promise per request, answered in order. */
export class ModelWorker {
  private readonly worker = new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module' });
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Once the worker has failed, every request fails at once with its error instead of waiting for an answer. */
  private failed: Error | null = null;

  constructor() {
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.kind === 'error') pending?.reject(new Error(reply.message));
      else pending?.resolve(reply);
    };
    // A worker that fails to load or throws outside a request fails every request in flight.
    this.worker.onerror = (event) => {
      event.preventDefault();
      const err = new Error(`the model worker failed: ${event.message || 'it could not be loaded'}; reload the page`);
      this.failed = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  /** Loads one model file, or several as an ensemble; bytes given are handed to the worker. */
  async loadModel(files: ModelFile[]): Promise<ModelSummary[]> {
    const reply = await this.send({ kind: 'load-model', files }, files.flatMap((f) => (f.bytes ? [f.bytes.buffer] : [])));
    return (reply as Extract<WorkerReply, { kind: 'model' }>).models;
  }

  async useBackend(backend: BackendWish): Promise<BackendInfo> {
    const reply = await this.send({ kind: 'use-backend', backend });
    return (reply as Extract<WorkerReply, { kind: 'backend' }>).backend;
  }

  /** Classifies a file's bytes; they are handed to the worker, so pass a copy you do not need. */
  async predict(fileName: string, bytes: Uint8Array): Promise<Prediction> {
    const reply = await this.send({ kind: 'predict', fileName, bytes }, [bytes.buffer]);
    return (reply as Extract<WorkerReply, { kind: 'prediction' }>).prediction;
  }

  private send(request: WorkerRequest, transfer: Transferable[] = []): Promise<WorkerReply> {
    const id = this.nextId++;
    const tagged: Tagged<WorkerRequest> = { ...request, id };
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(tagged, transfer);
    });
  }
}
