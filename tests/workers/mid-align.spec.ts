import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stageOutputDir, type AlignmentRunSpec } from '@xreason/contracts';
import { initRandomCheckpoint, loadModel } from '@xreason/models';
import { TRAIN_LOG_FILE, readStageOutputs, type StageContext } from '@xreason/workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from './stage-worker-process.js';

const VOCAB = 384;

/**
 * The mid-align recipe's stages as real worker processes on a tiny model: data-prep builds the
 * mid-align dataset (parallel X ↔ English questions and in-language task chains), and the trainer's
 * contrastive stage alternates masked-CE task steps with InfoNCE steps at the middle layer.
 */
describe('mid-align contrastive stage', () => {
  const root = mkdtempSync(join(tmpdir(), 'xreason-mid-align-'));
  const artifactRoot = join(root, 'artifacts');
  const baseDir = join(root, 'base');
  const run = { name: 'mid', namespace: 'default', uid: 'uid-mid' };
  const spec = {
    recipe: 'mid-align',
    baseModel: { uri: baseDir },
    languages: ['fr', 'de'],
    data: [{ name: 'mid-align', uri: `synthetic://world?count=24&vocab=${VOCAB}` }],
    sft: {
      epochs: 4,
      learningRate: 2e-2,
      batchSize: 8,
      maxSequenceLength: 256,
      lora: { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'up_proj'] },
    },
    maxRetries: 1,
    seed: 3,
  } as unknown as AlignmentRunSpec;
  const stage = (name: string, kind: StageContext['kind'], inputs: string[], role?: string) => ({
    run,
    stage: name,
    kind,
    attempt: 1,
    languages: ['fr', 'de'] as StageContext['languages'],
    spec,
    inputs: Object.fromEntries(inputs.map((i) => [i, stageOutputDir(artifactRoot, run, i)])),
    artifactRoot,
    ...(role ? { role } : {}),
  });

  beforeAll(async () => {
    await initRandomCheckpoint({
      arch: 'qwen2',
      vocab: VOCAB,
      hidden: 32,
      layers: 4,
      heads: 4,
      kvHeads: 2,
      intermediate: 64,
      seed: 5,
      out: baseDir,
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('alternates task and contrastive steps, the contrastive loss falls, and the adapter loads', async () => {
    const data = await startWorker('data-prep', stage('data', 'data-prep', []), {}, join(root, 'data.log')).done;
    if (data.code !== 0) console.error(data.stderr.slice(-2000));
    expect(data.code).toBe(0);
    const trainer = await startWorker(
      'trainer',
      stage('contrastive', 'contrastive', ['data'], 'alternate'),
      {},
      join(root, 'contrastive.log'),
    ).done;
    if (trainer.code !== 0) console.error(trainer.stderr.slice(-2000));
    expect(trainer.code).toBe(0);

    const dir = stageOutputDir(artifactRoot, run, 'contrastive');
    const log = readFileSync(join(dir, TRAIN_LOG_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number; loss: number; objective: string });
    expect(log.length % 2).toBe(0);
    log.forEach((entry, i) => expect(entry.objective).toBe(i % 2 === 0 ? 'task' : 'contrastive'));
    const contrastive = log.filter((e) => e.objective === 'contrastive').map((e) => e.loss);
    const task = log.filter((e) => e.objective === 'task').map((e) => e.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(contrastive.every(Number.isFinite)).toBe(true);
    expect(mean(contrastive.slice(-3))).toBeLessThan(mean(contrastive.slice(0, 3)));
    expect(mean(task.slice(-3))).toBeLessThan(mean(task.slice(0, 3)));

    const outputs = readStageOutputs(dir)!;
    const model = await loadModel(outputs.base!, { adapter: outputs.adapter! });
    expect(model.lora?.rank).toBe(4);
  }, 180_000);
});
