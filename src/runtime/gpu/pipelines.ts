import { reflectModule, type EntryInfo } from './reflect.ts';

export interface CompiledEntry {
  readonly info: EntryInfo;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/** Builds each (module, entry) pipeline once, with its bind-group layout taken from the WGSL ('auto'). */
export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly entries = new Map<string, CompiledEntry>();

  constructor(private readonly device: GPUDevice) {}

  get(source: string, entry: string): CompiledEntry {
    const key = `${entry}\u0000${source}`;
    let compiled = this.entries.get(key);
    if (compiled) return compiled;
    const info = reflectModule(source).get(entry);
    if (!info) throw new Error(`no compute entry point named ${entry} in its WGSL module`);
    let module = this.modules.get(source);
    if (!module) {
      module = this.device.createShaderModule({ code: source, label: entry });
      this.modules.set(source, module);
    }
    const pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: entry }, label: entry });
    compiled = { info, pipeline, layout: pipeline.getBindGroupLayout(0) };
    this.entries.set(key, compiled);
    return compiled;
  }

  /** Compiles a module and returns WGSL compile errors, if any (used by tests). */
  async compileErrors(source: string): Promise<string[]> {
    const module = this.device.createShaderModule({ code: source });
    const info = await module.getCompilationInfo();
    return info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
  }

  get size(): number {
    return this.entries.size;
  }
}
