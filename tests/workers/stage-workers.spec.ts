import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, startBroker } from '@xreason/broker';
import { ensureTopics } from '@xreason/bus';
import {
  STAGE_WORKER_ENV,
  StageEventTopic,
  stageOutputDir,
  type AlignmentRunSpec,
  type LanguageCode,
  type StageKind,
} from '@xreason/contracts';
import { ArtifactEntity, EvalAggregateEntity, EvalRunEntity, openDatabase, type Database } from '@xreason/db';
import { initRandomCheckpoint, loadModel } from '@xreason/models';
import {
  TRAIN_LOG_FILE,
  contentHash,
  listCheckpoints,
  readTrainSequences,
  readStageOutputs,
  stageWorkerEnv,
  type EvalSummaryRow,
  type StageContext,
} from '@xreason/workers';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkerWithEnv, startWorker, type WorkerService } from './stage-worker-process.js';

const VOCAB = 384;
const ALL_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

/**
 * The stage workers as the operator's local runtime starts them — real child processes with the
 * contract's environment — on a tiny random model, against the embedded Postgres and the local broker:
 * data-prep → sft (per language) → merge → eval, then the failure verdicts and resumption after SIGKILL.
 */
describe('stage workers', () => {
  const root = mkdtempSync(join(tmpdir(), 'xreason-workers-'));
  chmodSync(root, 0o755); // as root, the embedded Postgres runs as the postgres user
  const artifactRoot = join(root, 'artifacts');
  const baseDir = join(root, 'base');
  const run = { name: 'demo-run', namespace: 'default', uid: randomUUID() };
  let database: Database;
  let broker: Broker;
  const events: {
    stage: string;
    phase: string;
    progress?: number;
    message?: string;
    metrics?: Record<string, number>;
  }[] = [];
  let consumer: ReturnType<Kafka['consumer']>;

  const spec: AlignmentRunSpec = {
    recipe: 'budget-alignment',
    baseModel: { uri: baseDir },
    languages: ['fr', 'es'],
    data: [
      { name: 'budget-sft', uri: `synthetic://world?count=16&vocab=${VOCAB}` },
      { name: 'grpo-prompts', uri: 'synthetic://world?count=4' },
      { name: 'world', uri: 'synthetic://world?split=test-iid&count=3' },
    ],
    sft: {
      epochs: 10,
      learningRate: 3e-2,
      batchSize: 4,
      maxSequenceLength: 512,
      lora: { r: 4, alpha: 8, dropout: 0, targetModules: ALL_TARGETS },
    },
    grpo: {
      steps: 1,
      learningRate: 1e-5,
      rolloutsPerPrompt: 2,
      promptsPerStep: 1,
      epsilonLow: 0.2,
      epsilonHigh: 0.28,
      klCoefficient: 0,
      lossAggregation: 'dr_grpo',
      maxPolicyLag: 1,
    },
    merge: { method: 'linear' },
    evaluation: { suites: ['world'], samples: 2, k: [1], maxNewTokens: 16 },
    maxRetries: 2,
    seed: 3,
  };

  const stage = (
    name: string,
    kind: StageKind,
    inputs: string[],
    languages: LanguageCode[] = ['fr', 'es'],
    overrides: Partial<Omit<StageContext, 'outputDir'>> = {},
  ): Omit<StageContext, 'outputDir'> => ({
    run,
    stage: name,
    kind,
    attempt: 1,
    languages,
    spec,
    inputs: Object.fromEntries(inputs.map((i) => [i, stageOutputDir(artifactRoot, run, i)])),
    artifactRoot,
    ...overrides,
  });
  const contractEnv = () => ({ DATABASE_URL: database.url, KAFKA_BROKERS: broker.bootstrapServers });
  const runStage = (service: WorkerService, s: Omit<StageContext, 'outputDir'>, extra: Record<string, string> = {}) =>
    startWorker(service, s, { ...contractEnv(), ...extra }, join(root, `${s.stage}.log`)).done;
  const outputsOf = (name: string) => readStageOutputs(stageOutputDir(artifactRoot, run, name))!;
  const trainLog = (name: string) =>
    readFileSync(join(stageOutputDir(artifactRoot, run, name), TRAIN_LOG_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { attempt: number; step: number; loss: number });

  beforeAll(async () => {
    [database, broker] = await Promise.all([openDatabase({ stateDir: root }), startBroker({ port: 0, memory: true })]);
    const kafka = new Kafka({
      clientId: 'workers-test',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    });
    await ensureTopics(kafka, [StageEventTopic], { partitions: 1 });
    consumer = kafka.consumer({ groupId: `workers-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: StageEventTopic.name, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        events.push(JSON.parse(String(message.value)).payload);
      },
    });
    // Tiny Llama: two layers, hidden 32; its vocabulary matches the tokenizer data-prep trains.
    await initRandomCheckpoint({
      arch: 'llama',
      vocab: VOCAB,
      hidden: 32,
      layers: 2,
      heads: 4,
      kvHeads: 2,
      intermediate: 64,
      seed: 5,
      out: baseDir,
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await broker?.close();
    await database?.close();
    // XREASON_KEEP_TEST_DIR=1 keeps the artifacts and worker logs (<root>/<stage>.log) for a post-mortem.
    if (process.env.XREASON_KEEP_TEST_DIR) console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  });

  it('data-prep trains a tokenizer and writes one dataset per recipe and language, registered with content hashes', async () => {
    const result = await runStage('data-prep', stage('data', 'data-prep', []));
    expect(result.code).toBe(0);
    const outputs = outputsOf('data');
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'dataset:budget-sft:es',
        'dataset:budget-sft:fr',
        'dataset:grpo-prompts:es',
        'dataset:grpo-prompts:fr',
        'tokenizer',
      ].sort(),
    );
    const manifest = JSON.parse(readFileSync(join(outputs['dataset:budget-sft:fr']!, 'shards/manifest.json'), 'utf8'));
    expect(manifest.examplesPerLanguage).toEqual({ fr: 16 });
    const rows = await database.dataSource
      .getRepository(ArtifactEntity)
      .findBy({ uri: outputs['dataset:budget-sft:fr']! });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kind).toBe('dataset');
    expect(rows[0]!.contentHash).toBe((await contentHash(outputs['dataset:budget-sft:fr']!)).hash);
    expect(rows[0]!.metadata).toMatchObject({ run: run.name, stage: 'data', output: 'dataset:budget-sft:fr' });
  }, 60_000);

  it('sft trains a LoRA per language whose loss falls, and its PEFT adapter loads onto the base', async () => {
    const results = await Promise.all([
      runStage('trainer', stage('sft-fr', 'sft', ['data'], ['fr'])),
      runStage('trainer', stage('sft-es', 'sft', ['data'], ['es'])),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    for (const name of ['sft-fr', 'sft-es']) {
      const outputs = outputsOf(name);
      const summary = JSON.parse(readFileSync(outputs.training!, 'utf8'));
      expect(summary.steps).toBe(40); // 16 examples x 10 epochs / batch 4
      expect(summary.resumedFromStep).toBe(0);
      expect(summary.lastLoss).toBeLessThan(summary.firstLoss);
      // On its whole training set, the base with the adapter beats the base alone.
      const sequences = readTrainSequences(outputs[`dataset:budget-sft:${name.slice(4)}`]!, 512);
      const model = await loadModel(outputs.base!, { adapter: outputs.adapter! });
      expect(model.lora).toMatchObject({ rank: 4, alpha: 8 });
      const base = await loadModel(outputs.base!);
      expect(await model.loss(sequences)).toBeLessThan((await base.loss(sequences)) - 0.1);
      const [row] = await database.dataSource.getRepository(ArtifactEntity).findBy({ uri: outputs.adapter! });
      expect(row?.kind).toBe('adapter');
    }
  }, 90_000);

  it('merge folds each adapter into the base and averages the models into one checkpoint with the tokenizer', async () => {
    const result = await runStage('merge', stage('merge', 'merge', ['sft-fr', 'sft-es']));
    expect(result.code).toBe(0);
    const { model } = outputsOf('merge');
    expect(existsSync(join(model!, 'tokenizer.json'))).toBe(true);
    const merged = await loadModel(model!);
    const fr = await loadModel(join(stageOutputDir(artifactRoot, run, 'merge'), 'inputs/sft-fr'));
    const es = await loadModel(join(stageOutputDir(artifactRoot, run, 'merge'), 'inputs/sft-es'));
    const name = 'model.layers.0.self_attn.q_proj.weight';
    const [m, a, b] = [merged.getTensor(name), fr.getTensor(name), es.getTensor(name)];
    for (const i of [0, 7, 100]) expect(m[i]).toBeCloseTo((a[i]! + b[i]!) / 2, 5);
    expect(a[7]).not.toBeCloseTo(b[7]!, 6); // the two languages trained different adapters
  }, 60_000);

  it('eval scores the merged model on the held-out world problems, in Postgres and in files', async () => {
    const result = await runStage('eval', stage('eval', 'eval', ['merge']));
    expect(result.code).toBe(0);
    const outputs = outputsOf('eval');
    const summary = JSON.parse(readFileSync(outputs.summary!, 'utf8')) as { rows: EvalSummaryRow[] };
    const pass = summary.rows.filter((r) => r.metric === 'pass@1' && r.mode === 'robust');
    expect(pass.map((r) => r.language).sort()).toEqual(['es', 'fr']);
    expect(pass.every((r) => r.items === 3)).toBe(true);
    const results = JSON.parse(readFileSync(outputs['results:world-test-iid:merge']!, 'utf8'));
    expect(results).toBeTruthy();
    const runs = await database.dataSource.getRepository(EvalRunEntity).findBy({ suite: 'world-test-iid' });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('succeeded');
    const aggregates = await database.dataSource.getRepository(EvalAggregateEntity).findBy({ evalRunId: runs[0]!.id });
    expect(aggregates.length).toBeGreaterThan(0);
  }, 90_000);

  it('publishes Running and Succeeded StageEvents for every stage when KAFKA_BROKERS is set', async () => {
    await expect
      .poll(
        () =>
          events
            .filter((e) => e.phase === 'Succeeded')
            .map((e) => e.stage)
            .sort(),
        { timeout: 10_000 },
      )
      .toEqual(['data', 'eval', 'merge', 'sft-es', 'sft-fr']);
    for (const name of ['data', 'sft-fr', 'merge', 'eval'])
      expect(events.some((e) => e.stage === name && e.phase === 'Running')).toBe(true);
    // The eval stage's progress carries its items, rate and ETA (numbers in metrics, a line in message).
    const evalProgress = events.filter((e) => e.stage === 'eval' && e.phase === 'Running' && e.metrics?.items_total);
    expect(evalProgress.length).toBeGreaterThan(0);
    expect(evalProgress[0]!.metrics).toMatchObject({ items_total: 6 }); // 3 problems × 2 languages
    expect(evalProgress[0]!.message).toMatch(/^merge: world-test-iid (es|fr) \d+\/6 items/);
  });

  it.each([
    {
      why: 'a missing run name',
      change: (env: Record<string, string>) => delete env[STAGE_WORKER_ENV.run],
      names: 'XREASON_RUN: is not set',
    },
    {
      why: 'a spec field out of range',
      change: (env: Record<string, string>) =>
        (env[STAGE_WORKER_ENV.runSpec] = JSON.stringify({ ...spec, sft: { ...spec.sft, batchSize: 0 } })),
      names: '/sft/batchSize',
    },
    {
      why: 'a stage kind the service does not run',
      change: (env: Record<string, string>) => (env[STAGE_WORKER_ENV.stageKind] = 'merge'),
      names: 'XREASON_STAGE_KIND',
    },
    {
      why: 'an upstream stage that has not finished',
      change: (env: Record<string, string>) =>
        (env[STAGE_WORKER_ENV.stageInputs] = JSON.stringify({ data: join(root, 'nowhere') })),
      names: 'XREASON_STAGE_INPUTS/data',
    },
  ])(
    'fails permanently (exit 64) on $why, naming it',
    async ({ change, names }) => {
      const env = stageWorkerEnv(stage(`bad-${randomUUID().slice(0, 8)}`, 'sft', ['data'], ['fr']));
      change(env);
      const result = await runWorkerWithEnv('trainer', env);
      expect(result.code).toBe(64);
      expect(result.stderr).toContain(names);
    },
    30_000,
  );

  it('fails permanently for grpo until the GRPO loop is wired in, saying so', async () => {
    const result = await runWorkerWithEnv('trainer', stageWorkerEnv(stage('grpo-fr', 'grpo', ['sft-fr'], ['fr'])));
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('grpo');
  }, 30_000);

  it('resumes SFT after a SIGKILL from the last checkpoint, losing at most one interval', async () => {
    const long = stage('sft-kill', 'sft', ['data'], ['fr'], { spec: { ...spec, sft: { ...spec.sft!, epochs: 30 } } }); // 120 steps
    const interval = { XREASON_CHECKPOINT_INTERVAL: '10' };
    const first = startWorker('trainer', long, interval, join(root, 'sft-kill.log'));
    const logPath = join(stageOutputDir(artifactRoot, run, 'sft-kill'), TRAIN_LOG_FILE);
    await expect
      .poll(() => (existsSync(logPath) ? trainLog('sft-kill').length : 0), { timeout: 60_000, interval: 5 })
      .toBeGreaterThanOrEqual(25);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const lastStepBeforeKill = trainLog('sft-kill').at(-1)!.step;
    expect(lastStepBeforeKill).toBeLessThan(120); // killed mid-training (30 epochs x 16 / 4 = 120 steps)
    const checkpoint = listCheckpoints(stageOutputDir(artifactRoot, run, 'sft-kill')).at(-1)!;
    expect(checkpoint.state.step % 10).toBe(0);
    expect(lastStepBeforeKill - checkpoint.state.step).toBeLessThanOrEqual(10);

    const second = await startWorker('trainer', { ...long, attempt: 2 }, interval, join(root, 'sft-kill.log')).done;
    expect({ code: second.code, signal: second.signal, stderr: second.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const summary = JSON.parse(readFileSync(outputsOf('sft-kill').training!, 'utf8'));
    expect(summary.resumedFromStep).toBe(checkpoint.state.step);
    const log = trainLog('sft-kill');
    const resumed = log.filter((l) => l.attempt === 2);
    expect(resumed[0]!.step).toBe(checkpoint.state.step + 1);
    expect(resumed.at(-1)!.step).toBe(120);
    // Same batch, weights and AdamW moments as the killed attempt: the first repeated step gives its loss again.
    const before = log.find((l) => l.attempt === 1 && l.step === checkpoint.state.step + 1);
    if (before) expect(resumed[0]!.loss).toBeCloseTo(before.loss, 4);
  }, 120_000);
});
