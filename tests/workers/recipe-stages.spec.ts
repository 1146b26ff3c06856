import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stageOutputDir, type AlignmentRunSpec } from '@xreason/contracts';
import { initRandomCheckpoint, loadModel } from '@xreason/models';
import { TRAIN_LOG_FILE, readStageOutputs, type StageContext } from '@xreason/workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerService } from './stage-worker-process.js';

const VOCAB = 384;

/**
 * The qalign and mid-align recipes' training stages as real worker processes on a tiny model, with the
 * stage names, kinds and roles the recipe compiler gives them (budget-alignment's are in
 * stage-workers.spec.ts and the demo).
 */
describe('recipe training stages', () => {
  const root = mkdtempSync(join(tmpdir(), 'xreason-mid-align-'));
  const artifactRoot = join(root, 'artifacts');
  const baseDir = join(root, 'base');
  const specFor = (recipe: 'mid-align' | 'qalign', datasets: string[]) =>
    ({
      recipe,
      baseModel: { uri: baseDir },
      languages: ['fr', 'de'],
      data: datasets.map((name) => ({ name, uri: `synthetic://world?count=24&vocab=${VOCAB}` })),
      sft: {
        epochs: 4,
        learningRate: 2e-2,
        batchSize: 8,
        maxSequenceLength: 256,
        lora: { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'up_proj'] },
      },
      maxRetries: 1,
      seed: 3,
    }) as unknown as AlignmentRunSpec;
  const stage = (
    run: StageContext['run'],
    spec: AlignmentRunSpec,
    name: string,
    kind: StageContext['kind'],
    inputs: string[],
    role?: string,
  ) => ({
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

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  /** Runs one stage worker to completion; a failure shows the worker's last output. */
  const runStage = async (service: WorkerService, context: Omit<StageContext, 'outputDir'>) => {
    const result = await startWorker(service, context, {}, join(root, `${context.run.name}-${context.stage}.log`)).done;
    if (result.code !== 0) console.error(result.stderr.slice(-2000));
    expect(result.code).toBe(0);
  };

  it('mid-align alternates task and contrastive steps, the contrastive loss falls, and the adapter loads', async () => {
    const run = { name: 'mid', namespace: 'default', uid: 'uid-mid' };
    const spec = specFor('mid-align', ['mid-align']);
    await runStage('data-prep', stage(run, spec, 'data', 'data-prep', []));
    await runStage('trainer', stage(run, spec, 'contrastive', 'contrastive', ['data'], 'alternate'));

    const dir = stageOutputDir(artifactRoot, run, 'contrastive');
    const log = readFileSync(join(dir, TRAIN_LOG_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number; loss: number; objective: string });
    expect(log.length % 2).toBe(0);
    log.forEach((entry, i) => expect(entry.objective).toBe(i % 2 === 0 ? 'task' : 'contrastive'));
    const contrastive = log.filter((e) => e.objective === 'contrastive').map((e) => e.loss);
    const task = log.filter((e) => e.objective === 'task').map((e) => e.loss);
    expect(contrastive.every(Number.isFinite)).toBe(true);
    expect(mean(contrastive.slice(-3))).toBeLessThan(mean(contrastive.slice(0, 3)));
    expect(mean(task.slice(-3))).toBeLessThan(mean(task.slice(0, 3)));

    const outputs = readStageOutputs(dir)!;
    const model = await loadModel(outputs.base!, { adapter: outputs.adapter! });
    expect(model.lora?.rank).toBe(4);
  }, 180_000);

  it('qalign trains question translation, then instructions on the model with stage I folded in', async () => {
    const run = { name: 'qalign', namespace: 'default', uid: 'uid-qalign' };
    const spec = specFor('qalign', ['qalign-stage1', 'qalign-stage2']);
    await runStage('data-prep', stage(run, spec, 'data', 'data-prep', []));
    await runStage('trainer', stage(run, spec, 'sft-question-translation', 'sft', ['data'], 'question-translation'));
    await runStage('trainer', stage(run, spec, 'sft-instruction', 'sft', ['sft-question-translation'], 'instruction'));

    const stageOne = readStageOutputs(stageOutputDir(artifactRoot, run, 'sft-question-translation'))!;
    const stageTwo = readStageOutputs(stageOutputDir(artifactRoot, run, 'sft-instruction'))!;
    // Stage II trains on stage I's model: its base is stage I's adapter merged into the base model.
    expect(stageOne.base).toBe(baseDir);
    expect(stageTwo.base).not.toBe(baseDir);
    const folded = await loadModel(stageOne.base!, { adapter: stageOne.adapter!, mergeAdapter: true });
    const stageTwoBase = await loadModel(stageTwo.base!);
    const ids = [5, 17, 42, 8, 99];
    expect(Array.from(await stageTwoBase.logits(ids))).toEqual(Array.from(await folded.logits(ids)));
    // Each stage learnt its own data: losses fall in both logs.
    for (const name of ['sft-question-translation', 'sft-instruction']) {
      const losses = readFileSync(join(stageOutputDir(artifactRoot, run, name), TRAIN_LOG_FILE), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { loss: number }).loss);
      expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
    }
  }, 180_000);
});
