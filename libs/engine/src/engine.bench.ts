import { test } from 'vitest';
import { native } from './binding.js';
import { resolveDecoderConfig, type DecoderConfig } from './decoder-config.js';
import { EngineModel } from './engine-model.js';
import { randomWeights, weightBuffers } from './random-weights.js';

/**
 * The engine's throughput on this machine, measured side by side in one run:
 *  - peak GEMM GFLOP/s (square 1024³ and a training-shaped GEMM) through the same kernel the model uses,
 *    and OpenBLAS on its own threads beside it (the machine's BLAS yardstick);
 *  - full fine-tuning of a ~10M-parameter Llama: tokens/s and achieved GFLOP/s, and their ratio to the peak;
 *    the same step with the backend's block cache off (interleaved), and LoRA training with dropout;
 *  - KV-cache generation tokens/s at batch 1 and 32.
 */
const config: DecoderConfig = {
  architecture: 'llama',
  vocabSize: 8192,
  hiddenSize: 256,
  numLayers: 8,
  numHeads: 8,
  numKvHeads: 4,
  intermediateSize: 688,
};
const BATCH = 4;
const SEQ = 256;
const STEPS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

test(
  'engine throughput: GEMM peak, training tokens/s and GFLOP/s, generation tokens/s',
  { timeout: 900_000 },
  async () => {
    const info = native.backendInfo();
    const c = resolveDecoderConfig(config);
    const lines: string[] = [
      `backend ${info.backend}, GEMM kernel ${info.gemmKernel}${info.blasCore ? ` (OpenBLAS core ${info.blasCore})` : ''}, ${info.threads} threads`,
    ];

    // Rounds alternate between the engine's GEMM (OpenBLAS single-threaded per slab, the engine's pool
    // splitting C) and OpenBLAS on its own threads, so both see the same machine load.
    const flops = (m: number, n: number, k: number, iterations: number) => 2 * m * n * k * iterations;
    const gemm = async (m: number, n: number, k: number, iterations: number) => {
      const engine: number[] = [];
      const blas: number[] = [];
      for (let r = 0; r < 3; r++) {
        engine.push(await native.timeGemm(m, n, k, iterations));
        if (info.blasAvailable) blas.push(await native.timeGemm(m, n, k, iterations, 'openblas-threads'));
      }
      return {
        engine: flops(m, n, k, iterations) / median(engine) / 1e9,
        blas: info.blasAvailable ? flops(m, n, k, iterations) / median(blas) / 1e9 : 0,
      };
    };
    const square = await gemm(1024, 1024, 1024, 10);
    const shaped = await gemm(BATCH * SEQ, c.intermediateSize, c.hiddenSize, 20);
    const peak = Math.max(square.engine, shaped.engine);
    const blasPeak = Math.max(square.blas, shaped.blas);
    lines.push(
      `peak GEMM (engine): ${square.engine.toFixed(1)} GFLOP/s (1024³), ${shaped.engine.toFixed(1)} GFLOP/s (${BATCH * SEQ}×${c.intermediateSize}×${c.hiddenSize})`,
    );
    if (info.blasAvailable) {
      lines.push(
        `peak GEMM (OpenBLAS on its own ${info.threads} threads): ${square.blas.toFixed(1)} GFLOP/s (1024³), ${shaped.blas.toFixed(1)} GFLOP/s (training-shaped)`,
      );
    }

    const weights = weightBuffers(randomWeights(config, 1));
    const params = [...weights.values()].reduce((a, w) => a + w.length, 0);
    const model = EngineModel.create(config, weights);
    model.setBaseTrainable(true);
    const sequences = Array.from({ length: BATCH }, (_, b) => ({
      ids: Array.from({ length: SEQ }, (_, t) => (b * 7919 + t * 104729) % c.vocabSize),
    }));
    const tokens = BATCH * SEQ;
    // FLOPs of one training step: 6 per multiply-accumulate weight per token (forward 2, backward 4) over
    // every GEMM weight (the embedding lookup is free), plus causal attention (QKᵀ and PV, ×3 for backward).
    const embedding = c.vocabSize * c.hiddenSize;
    const gemmWeights = params - embedding - c.numLayers * 2 * c.hiddenSize - c.hiddenSize;
    const attention = BATCH * c.numLayers * 3 * 2 * SEQ * SEQ * c.numHeads * c.headDim;
    const stepFlops = 6 * gemmWeights * tokens + attention;
    const step = async (m: EngineModel, options: { dropoutSeed?: number } = {}) => {
      const t0 = performance.now();
      m.zeroGrad();
      await m.lossAndBackward(sequences, options);
      await m.adamwStep({ lr: 1e-4 });
      return (performance.now() - t0) / 1000;
    };
    // Steps alternate between the block cache on (default) and off, so both see the same load.
    const cached: number[] = [];
    const uncached: number[] = [];
    await step(model); // the first step warms up
    for (let i = 0; i < STEPS; i++) {
      cached.push(await step(model));
      native.setBufferCacheLimit(0);
      uncached.push(await step(model));
      native.setBufferCacheLimit(512);
    }
    const stepSeconds = median(cached);
    const achieved = stepFlops / stepSeconds / 1e9;
    lines.push(
      `training (${(params / 1e6).toFixed(1)}M params, full fine-tuning, batch ${BATCH}×${SEQ}): ` +
        `${(tokens / stepSeconds).toFixed(0)} tokens/s, ${achieved.toFixed(1)} GFLOP/s = ${((100 * achieved) / peak).toFixed(0)}% of the engine's peak GEMM` +
        (blasPeak > 0 ? `, ${((100 * achieved) / blasPeak).toFixed(0)}% of OpenBLAS's own-threads peak` : ''),
      `  block cache off: ${(tokens / median(uncached)).toFixed(0)} tokens/s (cached/uncached step time ${(stepSeconds / median(uncached)).toFixed(2)})`,
    );
    const lora = EngineModel.create(config, weights);
    lora.addLora({
      rank: 16,
      alpha: 32,
      targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
      dropout: 0.05,
    });
    const loraTimes: number[] = [];
    const plainTimes: number[] = [];
    await step(lora, { dropoutSeed: 0 });
    for (let i = 0; i < STEPS; i++) {
      loraTimes.push(await step(lora, { dropoutSeed: i + 1 }));
      plainTimes.push(await step(model));
    }
    lines.push(
      `LoRA r=16 on every linear, dropout 0.05: ${(tokens / median(loraTimes)).toFixed(0)} tokens/s (step time ${(median(loraTimes) / median(plainTimes)).toFixed(2)}× full fine-tuning's)`,
    );

    for (const batch of [1, 32]) {
      const prompts = Array.from({ length: batch }, (_, b) =>
        Array.from({ length: 16 }, (_, t) => (b * 31 + t * 17) % c.vocabSize),
      );
      const newTokens = 32;
      await model.generate(prompts.slice(0, 1), { maxNewTokens: 2, temperature: 0 });
      const t0 = performance.now();
      await model.generate(prompts, { maxNewTokens: newTokens, temperature: 1, seed: 1 });
      const seconds = (performance.now() - t0) / 1000;
      lines.push(
        `generation batch ${batch}: ${((batch * newTokens) / seconds).toFixed(0)} tokens/s (16-token prompts, ${newTokens} new, prefill included)`,
      );
    }
    console.log(lines.join('\n'));
  },
);
