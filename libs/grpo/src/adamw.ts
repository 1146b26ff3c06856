import type { EngineModel } from '@xreason/engine';
import { SafetensorsFile, float32ToBytes, writeSafetensors, type TensorInput } from '@xreason/safetensors';

export interface AdamWSettings {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Clip the global gradient norm to this; 0 = no clipping. */
  maxGradNorm?: number;
}

/**
 * AdamW over a model's trainable LoRA factors, with its moments in JavaScript so a checkpoint can hold
 * them: the engine's own adamwStep keeps its moments inside the addon, where they can be neither saved nor
 * restored, and a resumed run would restart its second-moment estimates from zero.
 */
export class AdamW {
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  /** Steps taken: the bias correction's t. */
  t = 0;

  constructor(
    private readonly model: EngineModel,
    readonly names: readonly string[],
  ) {
    if (names.length === 0) throw new Error('AdamW: no trainable tensors');
    for (const name of names) {
      const size = model.getTensor(name).length;
      this.m.set(name, new Float32Array(size));
      this.v.set(name, new Float32Array(size));
    }
  }

  /** The LoRA factors of a model (what GRPO trains). */
  static loraNames(model: EngineModel): string[] {
    return model.tensorNames().filter((n) => /\.lora_[AB]\.weight$/.test(n));
  }

  /** One step from the gradients accumulated in the model; returns the global gradient norm before clipping. */
  step(settings: AdamWSettings): number {
    const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0, maxGradNorm = 0 } = settings;
    const grads = this.names.map((name) => {
      const g = this.model.gradient(name);
      if (!g) throw new Error(`AdamW: tensor ${name} has no gradient (is it frozen?)`);
      return g;
    });
    let sumSquares = 0;
    for (const g of grads) for (let i = 0; i < g.length; i++) sumSquares += (g[i] as number) ** 2;
    const norm = Math.sqrt(sumSquares);
    const scale = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / norm : 1;
    this.t += 1;
    const correction1 = 1 - beta1 ** this.t;
    const correction2 = 1 - beta2 ** this.t;
    this.names.forEach((name, k) => {
      const g = grads[k] as Float32Array;
      const m = this.m.get(name) as Float32Array;
      const v = this.v.get(name) as Float32Array;
      const p = this.model.getTensor(name);
      for (let i = 0; i < p.length; i++) {
        const gi = (g[i] as number) * scale;
        m[i] = beta1 * (m[i] as number) + (1 - beta1) * gi;
        v[i] = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
        const update = (m[i] as number) / correction1 / (Math.sqrt((v[i] as number) / correction2) + eps);
        p[i] = (p[i] as number) - lr * (update + weightDecay * (p[i] as number));
      }
      this.model.setTensor(name, p);
    });
    return norm;
  }

  /** Moments and step count as one safetensors file (`__step__` holds t). */
  async save(path: string): Promise<void> {
    const entry = (values: Float32Array): TensorInput => ({
      dtype: 'F32',
      shape: [values.length],
      data: float32ToBytes('F32', values),
    });
    const tensors: [string, TensorInput][] = this.names.flatMap((name) => [
      [`${name}.exp_avg`, entry(this.m.get(name) as Float32Array)] as [string, TensorInput],
      [`${name}.exp_avg_sq`, entry(this.v.get(name) as Float32Array)] as [string, TensorInput],
    ]);
    tensors.push(['__step__', entry(Float32Array.of(this.t))]);
    await writeSafetensors(path, tensors, { format: 'pt' });
  }

  async load(path: string): Promise<void> {
    const file = await SafetensorsFile.open(path);
    try {
      for (const name of this.names) {
        for (const [suffix, target] of [
          ['exp_avg', this.m],
          ['exp_avg_sq', this.v],
        ] as const) {
          const values = await file.readAsFloat32(`${name}.${suffix}`);
          if (values.length !== target.get(name)!.length)
            throw new Error(
              `${path}: ${name}.${suffix} has ${values.length} values, the tensor ${target.get(name)!.length}`,
            );
          target.set(name, values);
        }
      }
      this.t = (await file.readAsFloat32('__step__'))[0] as number;
    } finally {
      await file.close();
    }
  }
}
