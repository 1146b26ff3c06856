import { native, type NativeBatch, type NativeCancelToken, type NativeModel } from './binding.js';
import { EngineInputError, resolveDecoderConfig, type Architecture, type DecoderConfig } from './decoder-config.js';
import { nativeObjective, type Objective, type TrainResult } from './objective.js';

export interface TensorSpec {
  name: string;
  shape: number[];
}

/** One training sequence: the loss falls on the tokens at index >= promptLength (default 1: all but the first). */
export interface TrainSequence {
  ids: readonly number[];
  promptLength?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface TrainCallOptions extends CallOptions {
  /**
   * Makes this a training-mode call: LoRA dropout acts, its masks drawn from this seed (a
   * non-negative integer). Pass the optimiser step (× micro-batches + micro-batch), so a resumed run
   * draws the same masks. Required for backward calls when the adapter has dropout > 0.
   */
  dropoutSeed?: number;
}

export interface LoraOptions {
  rank: number;
  alpha: number;
  /** Leaf module names: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj. */
  targets: readonly string[];
  rslora?: boolean;
  seed?: number;
  /** PEFT initialises B to zero (the adapter starts as the base); false draws B at random (tests). */
  zeroB?: boolean;
  /** PEFT's lora_dropout on each adapted module's input, in [0, 1); acts only in training-mode calls. */
  dropout?: number;
}

export interface GenerateOptions extends CallOptions {
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  stopTokens?: readonly number[];
}

export interface Generated {
  /** Sampled tokens per prompt, a stop token included. */
  tokens: number[][];
  /** log p(token) under the model's own distribution (temperature 1), per sampled token. */
  logprobs: number[][];
}

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Clip the global gradient norm to this; 0 or absent = no clipping. */
  maxGradNorm?: number;
}

export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;

function abortError(): Error {
  const error = new Error('the engine call was cancelled');
  error.name = 'AbortError';
  return error;
}

/**
 * A Llama/Qwen2 decoder held by the native engine (float32, CPU backend). Weights arrive as
 * Float32Array buffers under their Hugging Face names (checkpoint reading lives outside the engine).
 * Engine calls on one model run one after another; each runs on its own native thread, so the
 * event loop keeps answering, and each can be cancelled through an AbortSignal.
 */
export class EngineModel {
  readonly config: ReturnType<typeof resolveDecoderConfig>;
  readonly #native: NativeModel;
  #lora: Readonly<Required<Omit<LoraOptions, 'seed' | 'zeroB'>>> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(config: DecoderConfig) {
    this.config = resolveDecoderConfig(config);
    this.#native = new native.Model(this.config);
  }

  /** A model with the given weights; every tensor of the architecture must be present with its exact shape. */
  static create(config: DecoderConfig, weights: ReadonlyMap<string, Float32Array>): EngineModel {
    const model = new EngineModel(config);
    const specs = model.tensorSpecs();
    const expected = new Set(specs.map((s) => s.name));
    for (const name of weights.keys()) {
      if (!expected.has(name)) {
        throw new EngineInputError(
          `unexpected tensor '${name}' for a ${model.config.architecture} model of this shape`,
        );
      }
    }
    for (const spec of specs) {
      const data = weights.get(spec.name);
      if (!data) throw new EngineInputError(`missing tensor '${spec.name}' (shape [${spec.shape.join(', ')}])`);
      model.setTensor(spec.name, data);
    }
    return model;
  }

  get architecture(): Architecture {
    return this.config.architecture;
  }

  /** Every base tensor this architecture holds, with Hugging Face names and shapes. */
  tensorSpecs(): TensorSpec[] {
    return this.#native.tensorSpecs();
  }

  /** Base tensors plus LoRA factors, if any. */
  tensorNames(): string[] {
    return this.#native.tensorNames();
  }

  setTensor(name: string, data: Float32Array): void {
    const spec = this.tensorSpecs().find((s) => s.name === name);
    const size = spec ? spec.shape.reduce((a, b) => a * b, 1) : undefined;
    if (size !== undefined && data.length !== size) {
      throw new EngineInputError(
        `tensor '${name}' has shape [${spec!.shape.join(', ')}] (${size} values), got ${data.length} values`,
      );
    }
    this.#native.setTensor(name, data);
  }

  getTensor(name: string): Float32Array {
    return this.#native.getTensor(name);
  }

  /** The accumulated gradient, or null while the tensor is frozen. */
  gradient(name: string): Float32Array | null {
    return this.#native.getGradient(name);
  }

  /** Full fine-tuning (true) or frozen base weights (false, the default; LoRA trains its own factors). */
  setBaseTrainable(on: boolean): void {
    this.#native.setBaseTrainable(on);
  }

  zeroGrad(): void {
    this.#native.zeroGrad();
  }

  addLora(options: LoraOptions): void {
    if (!Number.isInteger(options.rank) || options.rank <= 0)
      throw new EngineInputError('LoRA rank must be a positive integer');
    if (!Number.isFinite(options.alpha)) throw new EngineInputError('LoRA alpha must be a finite number');
    const dropout = options.dropout ?? 0;
    if (!(dropout >= 0 && dropout < 1)) throw new EngineInputError(`LoRA dropout must be in [0, 1), got ${dropout}`);
    for (const target of options.targets) {
      if (!(LORA_TARGETS as readonly string[]).includes(target)) {
        throw new EngineInputError(`unknown LoRA target '${target}'; choose from ${LORA_TARGETS.join(', ')}`);
      }
    }
    this.#native.addLora({
      rank: options.rank,
      alpha: options.alpha,
      rslora: options.rslora ?? false,
      targets: [...options.targets],
      seed: options.seed ?? 0,
      zeroB: options.zeroB ?? true,
      dropout,
    });
    this.#lora = {
      rank: options.rank,
      alpha: options.alpha,
      targets: [...options.targets],
      rslora: options.rslora ?? false,
      dropout,
    };
  }

  /** The unmerged LoRA adapter's settings, or undefined when there is none (what a PEFT config records). */
  get lora(): Readonly<Required<Omit<LoraOptions, 'seed' | 'zeroB'>>> | undefined {
    return this.#lora;
  }

  /** Folds the LoRA update into the base weights (W += s·B·A) and drops the factors. */
  mergeLora(): void {
    this.#native.mergeLora();
    this.#lora = undefined;
  }

  /** Mean masked cross-entropy over the target tokens of the sequences (evaluation mode unless a dropoutSeed is given). */
  async loss(sequences: readonly TrainSequence[], options: TrainCallOptions = {}): Promise<number> {
    const batch = this.#trainBatch(sequences);
    const seed = this.#dropoutSeed(options, false);
    return this.#run(options.signal, (token) => this.#native.loss(batch, false, token, seed));
  }

  /** Loss, and its gradient accumulated into the trainable tensors (call zeroGrad between steps). */
  async lossAndBackward(sequences: readonly TrainSequence[], options: TrainCallOptions = {}): Promise<number> {
    const batch = this.#trainBatch(sequences);
    const seed = this.#dropoutSeed(options, true);
    return this.#run(options.signal, (token) => this.#native.loss(batch, true, token, seed));
  }

  /**
   * The general training call (objective.ts): cross-entropy, the GRPO family, contrastive InfoNCE,
   * hidden states out, gradients in at any layer, input embeddings in and their gradient out. With
   * `backward` (the default), gradients accumulate into the trainable tensors.
   */
  async train(
    sequences: readonly TrainSequence[],
    objective: Objective,
    options: TrainCallOptions & { backward?: boolean } = {},
  ): Promise<TrainResult> {
    const batch = this.#trainBatch(sequences);
    const shape = {
      batch: batch.batch,
      seq: batch.seq,
      hidden: this.config.hiddenSize,
      layers: this.config.numLayers,
      lengths: sequences.map((s) => s.ids.length),
    };
    const native = {
      ...nativeObjective(objective, shape),
      dropoutSeed: this.#dropoutSeed(options, options.backward ?? true),
    };
    const out = await this.#run(options.signal, (token) =>
      this.#native.train(batch, native, options.backward ?? true, token),
    );
    const H = shape.hidden;
    const inputEmbeddingGrads = (objective.inputEmbeddings ?? []).map(({ sequence, position, values }) => {
      const start = (sequence * batch.seq + position) * H;
      return out.inputGrad ? out.inputGrad.slice(start, start + values.length) : new Float32Array(values.length);
    });
    return {
      loss: out.loss,
      ce: out.ce,
      policy: out.policy,
      contrastive: out.contrastive,
      clipFraction: out.clipFraction,
      kl: out.kl,
      tokens: out.tokens,
      seq: batch.seq,
      hidden: new Map(out.hidden.map((h) => [h.layer, h.values])),
      inputGrad: objective.inputGradient ? out.inputGrad : null,
      inputEmbeddingGrads,
    };
  }

  /**
   * For each sequence, log p(ids[t] | ids[<t]) for t >= 1 and the entropy of the distribution that
   * predicted it (length ids.length − 1).
   */
  async tokenLogprobs(
    sequences: readonly (readonly number[])[],
    options: CallOptions = {},
  ): Promise<{ logprobs: number[][]; entropy: number[][] }> {
    const batch = this.#trainBatch(sequences.map((ids) => ({ ids, promptLength: 1 })));
    const out = await this.#run(options.signal, (token) => this.#native.tokenLogprobs(batch, token));
    const pick = (values: Float32Array) =>
      sequences.map((ids, b) => Array.from(values.subarray(b * batch.seq, b * batch.seq + ids.length - 1)));
    return { logprobs: pick(out.logprobs), entropy: pick(out.entropy) };
  }

  /** Logits [ids.length, vocab] of one sequence, from a full forward pass. */
  async logits(ids: readonly number[], options: CallOptions = {}): Promise<Float32Array> {
    const batch = this.#trainBatch([{ ids, promptLength: ids.length }]);
    return this.#run(options.signal, (token) => this.#native.logits(batch, token));
  }

  /** Batched sampling with a KV cache. */
  async generate(prompts: readonly (readonly number[])[], options: GenerateOptions): Promise<Generated> {
    if (prompts.length === 0) throw new EngineInputError('generate needs at least one prompt');
    prompts.forEach((p, i) => {
      if (p.length === 0) throw new EngineInputError(`prompt ${i} is empty`);
      this.#checkIds(p, `prompt ${i}`);
    });
    if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens <= 0) {
      throw new EngineInputError('maxNewTokens must be a positive integer');
    }
    const temperature = options.temperature ?? 1;
    const topP = options.topP ?? 1;
    if (!(temperature >= 0)) throw new EngineInputError('temperature must be >= 0');
    if (!(topP > 0 && topP <= 1)) throw new EngineInputError('topP must be in (0, 1]');
    const stopTokens = options.stopTokens ?? [];
    this.#checkIds(stopTokens, 'stopTokens');
    const out = await this.#run(options.signal, (token) =>
      this.#native.generate(
        prompts.map((p) => Int32Array.from(p)),
        {
          maxNewTokens: options.maxNewTokens,
          temperature,
          topK: options.topK ?? 0,
          topP,
          seed: options.seed ?? 0,
          stopTokens: Int32Array.from(stopTokens),
        },
        token,
      ),
    );
    return { tokens: out.tokens.map((t) => Array.from(t)), logprobs: out.logprobs.map((l) => Array.from(l)) };
  }

  /** One AdamW step over the trainable tensors; resolves to the global gradient norm before clipping. */
  // Training mode is explicit: a silent default seed would make dropout masks depend on call order,
  // and a resumed run would not repeat its steps.
  #dropoutSeed(options: TrainCallOptions, backward: boolean): number | null {
    const seed = options.dropoutSeed;
    if (seed !== undefined) {
      if (!Number.isSafeInteger(seed) || seed < 0)
        throw new EngineInputError(`dropoutSeed must be a non-negative integer, got ${seed}`);
      return seed;
    }
    const dropout = this.#lora?.dropout ?? 0;
    if (backward && dropout > 0) {
      throw new EngineInputError(
        `the LoRA adapter has dropout ${dropout}: a training call needs dropoutSeed (the step, so a resumed run draws the same masks)`,
      );
    }
    return null;
  }

  async adamwStep(options: AdamWOptions): Promise<number> {
    if (!(options.lr >= 0)) throw new EngineInputError('lr must be >= 0');
    return this.#run(undefined, () =>
      this.#native.adamwStep({
        lr: options.lr,
        beta1: options.beta1 ?? 0.9,
        beta2: options.beta2 ?? 0.999,
        eps: options.eps ?? 1e-8,
        weightDecay: options.weightDecay ?? 0,
        maxGradNorm: options.maxGradNorm ?? 0,
      }),
    );
  }

  #checkIds(ids: readonly number[], what: string): void {
    const vocab = this.config.vocabSize;
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= vocab) {
        throw new EngineInputError(`${what}[${i}] = ${id} is not a token id in [0, ${vocab})`);
      }
    });
  }

  /** Right-pads sequences into one batch; padding has segment 0 and no target. */
  #trainBatch(sequences: readonly TrainSequence[]): NativeBatch {
    if (sequences.length === 0) throw new EngineInputError('the batch is empty');
    const seq = Math.max(...sequences.map((s) => s.ids.length));
    if (seq === 0) throw new EngineInputError('every sequence in the batch is empty');
    const n = sequences.length * seq;
    const batch: NativeBatch = {
      batch: sequences.length,
      seq,
      ids: new Int32Array(n),
      positions: new Int32Array(n),
      segments: new Int32Array(n),
      targets: new Int32Array(n).fill(-100),
    };
    sequences.forEach((s, b) => {
      this.#checkIds(s.ids, `sequence ${b}`);
      const prompt = s.promptLength ?? 1;
      if (!Number.isInteger(prompt) || prompt < 0 || prompt > s.ids.length) {
        throw new EngineInputError(`sequence ${b}: promptLength ${prompt} is outside [0, ${s.ids.length}]`);
      }
      for (let t = 0; t < s.ids.length; t++) {
        batch.ids[b * seq + t] = s.ids[t]!;
        batch.positions[b * seq + t] = t;
        batch.segments[b * seq + t] = 1;
        if (t + 1 < s.ids.length && t + 1 >= prompt) batch.targets[b * seq + t] = s.ids[t + 1]!;
      }
    });
    return batch;
  }

  /** Runs calls on this model one at a time, wiring an AbortSignal to a native cancel token. */
  #run<R>(signal: AbortSignal | undefined, call: (token: NativeCancelToken) => Promise<R>): Promise<R> {
    const next = this.#queue.then(async () => {
      if (signal?.aborted) throw abortError();
      const token = new native.CancelToken();
      const onAbort = () => token.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await call(token);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
