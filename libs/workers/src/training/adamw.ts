import type { EngineModel } from '@xreason/engine';

export interface AdamWSettings {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this; 0 = no clipping. */
  maxGradNorm: number;
}

export const DEFAULT_ADAMW: Omit<AdamWSettings, 'lr'> = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  maxGradNorm: 1,
};

/**
 * AdamW over the model's LoRA factors, with its moments held here rather than in the engine: the
 * engine's `adamwStep` keeps its state inside the addon, where a checkpoint cannot reach it, and a
 * resumed run must continue with the moments it had or its next steps differ from the run that was
 * killed. LoRA factors are small, so the round trip through JavaScript costs little.
 */
export class LoraAdamW {
  readonly names: string[];
  readonly m = new Map<string, Float32Array>();
  readonly v = new Map<string, Float32Array>();
  /** Optimizer steps taken (bias correction uses it). */
  step = 0;

  constructor(
    private readonly model: EngineModel,
    private readonly settings: AdamWSettings,
  ) {
    this.names = model
      .tensorNames()
      .filter((n) => n.includes('.lora_'))
      .sort();
    if (this.names.length === 0) throw new Error('LoraAdamW: the model holds no LoRA factors');
    for (const name of this.names) {
      const size = model.getTensor(name).length;
      this.m.set(name, new Float32Array(size));
      this.v.set(name, new Float32Array(size));
    }
  }

  /** One update from the accumulated gradients, divided by `gradientScale` (1 / micro-batches); returns the global norm before clipping. */
  apply(gradientScale = 1): number {
    const grads = this.names.map((name) => {
      const g = this.model.gradient(name);
      if (!g) throw new Error(`LoraAdamW: ${name} has no gradient (is it frozen?)`);
      return g;
    });
    let squares = 0;
    for (const g of grads) for (let i = 0; i < g.length; i++) squares += (g[i]! * gradientScale) ** 2;
    const norm = Math.sqrt(squares);
    const { lr, beta1, beta2, eps, weightDecay, maxGradNorm } = this.settings;
    const clip = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / norm : 1;
    const scale = gradientScale * clip;
    this.step++;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    this.names.forEach((name, k) => {
      const g = grads[k]!;
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      const w = this.model.getTensor(name);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]! * scale;
        m[i] = beta1 * m[i]! + (1 - beta1) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        w[i] = w[i]! - lr * (m[i]! / c1 / (Math.sqrt(v[i]! / c2) + eps) + weightDecay * w[i]!);
      }
      this.model.setTensor(name, w);
    });
    return norm;
  }
}
