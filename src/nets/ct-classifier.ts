import { softmaxRows } from '../cli/softmax.ts';
import type { Backend } from '../runtime/backend.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { checkPreprocessing } from '../train/data/check-preprocessing.ts';
import { croppedFor, type Crop } from '../train/data/crop.ts';
import type { GrayImage } from '../train/data/image.ts';
import type { Normalise } from '../train/data/normalise.ts';
import { preprocess } from '../train/data/preprocess.ts';
import { classActivationMaps } from './cam.ts';
import { checkMembersAgree, ensembleCam, meanOf } from './ensemble-combine.ts';
import { inferenceNet } from './fold-batchnorm.ts';
import { decodeModel, requireCovidClassifier } from './model-format.ts';
import type { Net } from './net.ts';

// A CT-slice classifier ready to run on one backend, for the programs and pages that embed the
// toolkit (what an InferenceSession is to ONNX Runtime Web): an ensemble of model files (one file
// is an ensemble of one) whose inference nets are built and warmed up once. Each slice is prepared
// as each member's training prepared slices; P(COVID) is the mean of the members', the map the
// mean of theirs, each placed over the part of the slice its member saw. The viewer runs on it.

/** A model file's bytes and the name errors give it (its file name or address). */
export interface ModelBytes {
  source: string;
  bytes: Uint8Array;
}

/** One decoded model of the ensemble and how it prepares a slice. */
export type ClassifierMember = ReturnType<typeof decodeModel> & { source: string; crop: Crop; normalise: Normalise };

/** A slice's answer. */
export interface Classification {
  label: string;
  pCovid: number;
  /** Each member's own P(COVID), in member order. */
  memberPCovid: number[];
  /** Wall time of the members' forward passes together. */
  latencyMs: number;
  /** The first member's crop of the slice (the whole slice when it has none), which `cam` covers. */
  slice: GrayImage;
  /** The predicted class's activation map over `slice`, on the net's feature grid. */
  cam: { className: string; data: Float32Array; height: number; width: number };
}

/**
 * Decodes model files as one ensemble, each checked in order (the first at fault is named): a
 * COVID classifier with class activation maps, taking one gray channel, prepared the way this
 * build prepares slices; all of one input size and one set of classes.
 */
export function decodeClassifier(files: readonly ModelBytes[]): ClassifierMember[] {
  if (files.length === 0) throw new Error('a classifier needs at least one model file');
  const members = files.map(({ source, bytes }) => {
    const decoded = decodeModel(bytes, source);
    requireCovidClassifier(decoded.meta, source);
    const preparation = checkPreprocessing(decoded.meta.preprocessing, source);
    if (!decoded.spec.cam) throw new Error(`${source}: ${decoded.meta.net} has no class activation maps; the classifier needs light-cnn`);
    const channels = decoded.spec.inputShape[0];
    if (channels !== 1) throw new Error(`${source}: the model takes ${channels}-channel input; the classifier feeds it one gray channel, as the model's training did`);
    return { ...decoded, source, ...preparation };
  });
  checkMembersAgree(members.map((m) => ({ name: m.source, inputShape: m.spec.inputShape, classNames: m.meta.classNames })));
  return members;
}

export class CtClassifier {
  private constructor(
    readonly members: readonly ClassifierMember[],
    /** The members' inference nets (BN folded into the convolutions), in member order. */
    readonly nets: readonly Net[],
    /** How long building and the first pass on zeros took: what a first slice would otherwise pay. */
    readonly warmUpMs: number,
  ) {}

  /** Builds the members' inference nets on `backend` and runs each once on zeros (pipelines, buffers). */
  static async create(members: readonly ClassifierMember[], backend: Backend): Promise<CtClassifier> {
    const started = performance.now();
    const nets: Net[] = [];
    try {
      for (const { spec, weights } of members) {
        const net = inferenceNet(spec, backend, weights);
        nets.push(net);
        const x = backend.tensor([1, ...spec.inputShape]);
        try {
          const pass = net.forward(x, 'infer');
          await pass.logits.read();
          net.release(pass);
        } finally {
          x.dispose();
        }
      }
    } catch (err) {
      nets.forEach((net) => net.dispose());
      throw err;
    }
    return new CtClassifier(members, nets, performance.now() - started);
  }

  get backend(): Backend {
    return this.nets[0].backend;
  }

  /** Member i's input of the slice: its crop, resized and normalised, as a [1, C, S, S] tensor the caller disposes. */
  input(slice: GrayImage, i: number): Tensor {
    return this.inputOfCrop(croppedFor(slice, this.members[i].crop).image, i);
  }

  private inputOfCrop(cropped: GrayImage, i: number): Tensor {
    const { spec, normalise } = this.members[i];
    return this.backend.tensor([1, ...spec.inputShape], preprocess(cropped, { size: spec.inputShape[1], normalise }));
  }

  async classify(slice: GrayImage): Promise<Classification> {
    const { classNames } = this.members[0].meta;
    // Once per way of cropping: a CV's fold models all crop alike.
    const byCrop = new Map([...new Set(this.members.map((m) => m.crop))].map((crop) => [crop, croppedFor(slice, crop)]));
    const crops = this.members.map((m) => byCrop.get(m.crop)!);
    const scored = [];
    for (const [i, net] of this.nets.entries()) {
      const x = this.inputOfCrop(crops[i].image, i);
      const started = performance.now();
      const pass = net.forward(x, 'infer', { keepFeatures: true });
      try {
        const probs = softmaxRows(await pass.logits.read(), classNames.length);
        const ms = performance.now() - started;
        const maps = await classActivationMaps(net, pass.features!);
        scored.push({ probs, ms, maps: maps.raw, height: maps.rawSize[0], width: maps.rawSize[1], box: crops[i].box });
      } finally {
        net.release(pass);
        x.dispose();
      }
    }
    const probs = meanOf(scored.map((m) => m.probs));
    const best = probs[0] >= probs[1] ? 0 : 1;
    const covid = classNames.indexOf('COVID');
    const planes = scored.map(({ maps, height, width, box }) => ({ data: maps.slice(best * height * width, (best + 1) * height * width), height, width, box }));
    return {
      label: classNames[best],
      pCovid: probs[covid],
      memberPCovid: scored.map((m) => m.probs[covid]),
      latencyMs: scored.reduce((sum, m) => sum + m.ms, 0),
      slice: crops[0].image,
      cam: { className: classNames[best], ...ensembleCam(planes) },
    };
  }

  dispose(): void {
    this.nets.forEach((net) => net.dispose());
  }
}
