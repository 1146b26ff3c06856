import { describe, expect, it } from 'vitest';
import { resolveDecoderConfig, type DecoderConfig } from './decoder-config.js';
import { EngineModel } from './engine-model.js';
import { maxAbsDiff, tinyLlama, tinyQwen2 } from './engine-model.test-helpers.js';
import { randomWeights, weightBuffers } from './random-weights.js';

/**
 * Grouped-query attention is multi-head attention whose key/value heads are shared: query head h reads
 * kv head floor(h / (heads / kvHeads)), as transformers' repeat_kv does. So a GQA model must give the
 * same logits as the multi-head model whose k/v projections repeat each kv head's rows for its group.
 */
function repeatKvHeads(config: DecoderConfig, seed: number): { gqa: EngineModel; mha: EngineModel } {
  const c = resolveDecoderConfig(config);
  const headDim = c.headDim ?? c.hiddenSize / c.numHeads;
  const group = c.numHeads / c.numKvHeads;
  const weights = randomWeights(config, seed, 0.5);
  for (const [name, tensor] of weights) {
    if (/self_attn\.[kv]_proj\.bias$/.test(name)) tensor.data.forEach((_, i) => (tensor.data[i] = Math.sin(i + seed))); // non-zero biases
  }
  const repeated = new Map(weights);
  for (const [name, tensor] of weights) {
    if (!/self_attn\.[kv]_proj\.(weight|bias)$/.test(name)) continue;
    const rowLength = tensor.shape.length === 2 ? (tensor.shape[1] as number) : 1;
    const rows = new Float32Array(c.numHeads * headDim * rowLength);
    for (let head = 0; head < c.numHeads; head++) {
      const kvHead = Math.floor(head / group);
      const block = tensor.data.subarray(kvHead * headDim * rowLength, (kvHead + 1) * headDim * rowLength);
      rows.set(block, head * headDim * rowLength);
    }
    repeated.set(name, {
      shape: tensor.shape.length === 2 ? [c.numHeads * headDim, rowLength] : [c.numHeads * headDim],
      data: rows,
    });
  }
  return {
    gqa: EngineModel.create(config, weightBuffers(weights)),
    mha: EngineModel.create({ ...config, numKvHeads: c.numHeads }, weightBuffers(repeated)),
  };
}

describe('grouped-query attention', () => {
  it.each([
    ['llama', tinyLlama],
    ['qwen2 (k/v biases)', tinyQwen2],
  ] as const)(
    '%s: GQA logits equal the multi-head model with each kv head repeated for its group',
    async (_name, config) => {
      expect(config.numKvHeads).toBeLessThan(config.numHeads);
      const { gqa, mha } = repeatKvHeads(config, 3);
      const ids = [1, 5, 2, 7, 3, 9];
      expect(maxAbsDiff(await gqa.logits(ids), await mha.logits(ids))).toBeLessThan(1e-5);
    },
  );
});
