import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, runMigrations } from './data-source.js';
import {
  ArtifactEntity,
  EvalResultEntity,
  ProcessedMessageEntity,
  RunEntity,
  StageEntity,
  dbEntities,
} from './entities/index.js';
import { type Database, openDatabase, redactDatabaseUrl } from './open-database.js';
import { pingDatabase } from './ping-database.js';
import { isRunning, makeStateDir } from './temp-state-dir.test-helpers.js';

let state: Awaited<ReturnType<typeof makeStateDir>>;
let db: Database;
const logged: string[] = [];

beforeAll(async () => {
  state = await makeStateDir();
  db = await openDatabase({
    stateDir: state.path,
    logger: { log: (m) => logged.push(m), warn: (m) => logged.push(m), debug: (m) => logged.push(m) },
  });
});

afterAll(async () => {
  await db?.close();
  await state?.remove();
});

async function newRun(overrides: Partial<RunEntity> = {}): Promise<RunEntity> {
  return db.dataSource.getRepository(RunEntity).save({
    kind: 'AlignmentRun',
    name: `run-${Math.random().toString(36).slice(2, 8)}`,
    recipe: 'mindmerger',
    spec: { model: 'qwen2-0.5b', languages: ['sw', 'th'] },
    phase: 'Pending',
    ...overrides,
  });
}

describe('openDatabase (embedded)', () => {
  it('starts an embedded server under ${stateDir}/postgres and applies the migrations', async () => {
    expect(db.embedded?.dataDir).toBe(join(state.path, 'postgres'));
    expect(db.url).toBe(db.embedded?.url);
    const applied = await db.dataSource.query(`SELECT name FROM typeorm_migrations ORDER BY id`);
    expect(applied).toEqual([
      { name: 'InitialSchema1763900000000' },
      { name: 'EvaluationTables1764100000000' },
      { name: 'RunDeletion1764300000000' },
      { name: 'EvalScheduleFirings1764500000000' },
    ]);
    expect(logged).toContain(
      'applied migrations: InitialSchema1763900000000, EvaluationTables1764100000000, RunDeletion1764300000000, EvalScheduleFirings1764500000000',
    );
  });

  it('never logs the password', () => {
    const password = decodeURIComponent(new URL(db.url).password);
    expect(password).not.toBe('');
    expect(logged.filter((line) => line.includes(password))).toEqual([]);
  });

  it('leaves exactly the schema the entities describe (no pending schema changes)', async () => {
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    expect(dbEntities).toHaveLength(9);
  });

  it('reopening the same state dir applies no migration twice and keeps the rows', async () => {
    const run = await newRun({ name: 'kept-across-reopen' });
    await db.close();
    expect(isRunning(db.embedded!.pid)).toBe(false);
    logged.length = 0;
    db = await openDatabase({ stateDir: state.path, logger: { log: (m) => logged.push(m), warn: () => undefined } });
    expect(logged.some((line) => line.startsWith('applied migrations'))).toBe(false);
    await expect(db.dataSource.getRepository(RunEntity).findOneByOrFail({ id: run.id })).resolves.toMatchObject({
      name: 'kept-across-reopen',
    });
  });
});

describe('entities round-trip', () => {
  it('runs: defaults, jsonb spec/status, timestamps', async () => {
    const saved = await newRun({ name: 'mm-sw', status: { conditions: [{ type: 'Available', status: 'False' }] } });
    const read = await db.dataSource.getRepository(RunEntity).findOneByOrFail({ id: saved.id });
    expect(read).toMatchObject({
      kind: 'AlignmentRun',
      name: 'mm-sw',
      namespace: 'default',
      recipe: 'mindmerger',
      spec: { model: 'qwen2-0.5b', languages: ['sw', 'th'] },
      status: { conditions: [{ type: 'Available', status: 'False' }] },
      phase: 'Pending',
      generation: 1,
      observedGeneration: 0,
    });
    expect(read.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(read.createdAt).toBeInstanceOf(Date);
    expect(read.updatedAt.getTime()).toBeGreaterThanOrEqual(read.createdAt.getTime());
  });

  it('runs: (namespace, kind, name) is unique, and kind is one of the two CRDs', async () => {
    await newRun({ name: 'twin' });
    await expect(newRun({ name: 'twin' })).rejects.toThrow(/uq_runs_namespace_kind_name/);
    await expect(newRun({ name: 'twin', kind: 'EvalSchedule' })).resolves.toBeTruthy();
    await expect(newRun({ name: 'twin', namespace: 'team-b' })).resolves.toBeTruthy();
    await expect(newRun({ name: 'odd', kind: 'Deployment' as never })).rejects.toThrow(/ck_runs_kind/);
  });

  it('stages: round-trip, unique per run, deleted with their run', async () => {
    const run = await newRun();
    const stages = db.dataSource.getRepository(StageEntity);
    const started = new Date('2026-01-02T03:04:05.678Z');
    const saved = await stages.save({ runId: run.id, name: 'sft', phase: 'Running', startedAt: started });
    expect(await stages.findOneByOrFail({ id: saved.id })).toMatchObject({
      runId: run.id,
      name: 'sft',
      phase: 'Running',
      attempt: 1,
      startedAt: started,
      finishedAt: null,
      message: null,
    });
    await expect(stages.save({ runId: run.id, name: 'sft', phase: 'Pending' })).rejects.toThrow(
      /uq_stages_run_id_name/,
    );
    await db.dataSource.getRepository(RunEntity).delete({ id: run.id });
    expect(await stages.findOneBy({ id: saved.id })).toBeNull();
  });

  it('artifacts: round-trip with a byte count above 2^32 as a number; outlive their run', async () => {
    const run = await newRun();
    const stage = await db.dataSource.getRepository(StageEntity).save({ runId: run.id, name: 'grpo', phase: 'Done' });
    const artifacts = db.dataSource.getRepository(ArtifactEntity);
    const contentHash = 'ab'.repeat(32);
    const saved = await artifacts.save({
      runId: run.id,
      stageId: stage.id,
      kind: 'checkpoint',
      uri: 'file:///state/artifacts/ckpt-1',
      contentHash,
      sizeBytes: 2 ** 40 + 7,
      metadata: { files: ['config.json', 'model.safetensors'] },
    });
    const read = await artifacts.findOneByOrFail({ id: saved.id });
    expect(read).toMatchObject({
      runId: run.id,
      stageId: stage.id,
      kind: 'checkpoint',
      contentHash,
      sizeBytes: 2 ** 40 + 7,
      metadata: { files: ['config.json', 'model.safetensors'] },
    });
    expect(typeof read.sizeBytes).toBe('number');
    expect(read.createdAt).toBeInstanceOf(Date);

    await db.dataSource.getRepository(RunEntity).delete({ id: run.id });
    expect(await artifacts.findOneByOrFail({ id: saved.id })).toMatchObject({ runId: null, stageId: null });
  });

  it('artifacts: refuse a content hash that is not sha256 hex, an unknown kind, and an unsafe byte count', async () => {
    const artifacts = db.dataSource.getRepository(ArtifactEntity);
    const valid = { kind: 'dataset' as const, uri: 'file:///d', contentHash: '0'.repeat(64), sizeBytes: 1 };
    await expect(artifacts.save({ ...valid, contentHash: 'AB'.repeat(32) })).rejects.toThrow(
      /ck_artifacts_content_hash/,
    );
    await expect(artifacts.save({ ...valid, kind: 'weights' as never })).rejects.toThrow(/ck_artifacts_kind/);
    await expect(artifacts.save({ ...valid, sizeBytes: 2 ** 53 })).rejects.toThrow(/not a safe integer/);
    await db.dataSource.query(
      `INSERT INTO artifacts (kind, uri, content_hash, size_bytes) VALUES ('report', 'file:///huge', $1, 9007199254740993)`,
      ['1'.repeat(64)],
    );
    await expect(artifacts.findOneByOrFail({ uri: 'file:///huge' })).rejects.toThrow(
      /does not fit a JavaScript number/,
    );
  });

  it('eval_results: round-trip with and without a confidence interval and a run', async () => {
    const results = db.dataSource.getRepository(EvalResultEntity);
    const run = await newRun();
    const withCi = await results.save({
      runId: run.id,
      model: 'qwen2-1.5b+grpo',
      suite: 'mgsm',
      language: 'sw',
      metric: 'accuracy',
      value: 0.4125,
      ciLow: 0.37,
      ciHigh: 0.455,
      n: 250,
    });
    const bare = await results.save({
      model: 'base',
      suite: 'mgsm',
      language: 'th',
      metric: 'accuracy',
      value: 0.1,
      n: 250,
    });
    expect(await results.findOneByOrFail({ id: withCi.id })).toMatchObject({
      runId: run.id,
      value: 0.4125,
      ciLow: 0.37,
      ciHigh: 0.455,
      n: 250,
    });
    expect(await results.findOneByOrFail({ id: bare.id })).toMatchObject({ runId: null, ciLow: null, ciHigh: null });
    await db.dataSource.getRepository(RunEntity).delete({ id: run.id });
    expect(await results.findOneByOrFail({ id: withCi.id })).toMatchObject({ runId: null, value: 0.4125 });
  });

  it('processed_messages: round-trip with an int64 offset kept exactly as a string', async () => {
    const messages = db.dataSource.getRepository(ProcessedMessageEntity);
    await messages.insert({
      consumerGroup: 'operator',
      messageKey: 'run-created/42',
      topic: 'xreason.runs',
      partition: 3,
      offset: '9223372036854775807',
    });
    const read = await messages.findOneByOrFail({ consumerGroup: 'operator', messageKey: 'run-created/42' });
    expect(read).toMatchObject({ topic: 'xreason.runs', partition: 3, offset: '9223372036854775807' });
    expect(read.processedAt).toBeInstanceOf(Date);
  });
});

describe('migrations', () => {
  it('are never run implicitly: a fresh database stays empty until runMigrations', async () => {
    await db.dataSource.query('DROP DATABASE IF EXISTS fresh');
    await db.dataSource.query('CREATE DATABASE fresh');
    const url = new URL(db.url);
    url.pathname = '/fresh';
    const other = await makeStateDir();
    const fresh = await openDatabase({ databaseUrl: url.toString(), stateDir: other.path, migrate: false });
    try {
      const tables = () =>
        fresh.dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      expect(await tables()).toEqual([]);
      expect(await runMigrations(fresh.dataSource)).toEqual([
        'InitialSchema1763900000000',
        'EvaluationTables1764100000000',
        'RunDeletion1764300000000',
        'EvalScheduleFirings1764500000000',
      ]);
      expect((await tables()).map((t: { tablename: string }) => t.tablename)).toEqual([
        'artifacts',
        'eval_aggregates',
        'eval_results',
        'eval_runs',
        'eval_samples',
        'eval_schedule_firings',
        'processed_messages',
        'runs',
        'stages',
        'typeorm_migrations',
      ]);
      expect(await runMigrations(fresh.dataSource)).toEqual([]);
      await fresh.dataSource.undoLastMigration();
      await fresh.dataSource.undoLastMigration();
      await fresh.dataSource.undoLastMigration();
      await fresh.dataSource.undoLastMigration();
      expect((await tables()).map((t: { tablename: string }) => t.tablename)).toEqual(['typeorm_migrations']);
    } finally {
      await fresh.close();
      await other.remove();
    }
  });
});

describe('openDatabase (external URL)', () => {
  it('connects to the given server without starting one, and leaves that server running on close', async () => {
    const other = await makeStateDir();
    const external = await openDatabase({ databaseUrl: db.url, stateDir: other.path });
    try {
      expect(external.embedded).toBeUndefined();
      await expect(stat(join(other.path, 'postgres'))).rejects.toThrow(/ENOENT/);
      const [{ pid }] = await external.dataSource.query(`SELECT pg_postmaster_start_time() IS NOT NULL AS pid`);
      expect(pid).toBe(true);
      await expect(external.dataSource.getRepository(RunEntity).count()).resolves.toBeGreaterThan(0);
    } finally {
      await external.close();
      await other.remove();
    }
    expect(isRunning(db.embedded!.pid)).toBe(true);
    await expect(pingDatabase(db.dataSource)).resolves.toMatchObject({ ok: true });
  });

  it('fails with the URL redacted when the server refuses the credentials', async () => {
    const wrong = new URL(db.url);
    wrong.password = 'hunter2-wrong';
    const attempt = openDatabase({ databaseUrl: wrong.toString(), stateDir: state.path });
    await expect(attempt).rejects.toThrow(
      /^cannot connect to postgresql:\/\/postgres@127\.0\.0\.1:\d+\/xreason: .*password/,
    );
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });
});

describe('pingDatabase', () => {
  it('reports ok with a latency for a live connection, and the error for a closed one', async () => {
    const live = await pingDatabase(db.dataSource);
    expect(live.ok).toBe(true);
    expect(live.latencyMs).toBeGreaterThanOrEqual(0);
    expect(live.error).toBeUndefined();

    const closed = createDataSource(db.url);
    expect(await pingDatabase(closed)).toEqual({ ok: false, latencyMs: 0, error: 'database connection is not open' });
  });

  it('answers not ok within its timeout when the database does not answer, instead of hanging or throwing', async () => {
    // One pooled connection, kept busy: the ping's SELECT 1 queues behind it.
    const warnings: string[] = [];
    const busy = createDataSource(db.url, { poolSize: 1 }, { log: () => undefined, warn: (m) => warnings.push(m) });
    await busy.initialize();
    try {
      const sleeping = busy.query('SELECT pg_sleep(2)');
      const ping = await pingDatabase(busy, 200);
      expect(ping).toMatchObject({ ok: false, error: 'no answer within 200 ms' });
      expect(ping.latencyMs).toBeGreaterThanOrEqual(190);
      expect(ping.latencyMs).toBeLessThan(1_500);
      await sleeping;
      expect(warnings).toEqual([expect.stringMatching(/^slow query \(\d+ ms\): SELECT pg_sleep\(2\)$/)]);
    } finally {
      await busy.destroy();
    }
  });
});

describe('redactDatabaseUrl', () => {
  it.each([
    ['postgresql://app:s3cr%40t@db.example:5432/xreason', 'postgresql://app@db.example:5432/xreason'],
    ['postgres://app@db:5432/x', 'postgres://app@db:5432/x'],
    ['postgres://db/x?sslmode=require&password=abc', 'postgres://db/x?sslmode=require&password=redacted'],
  ])('removes the password from %s', (url, redacted) => {
    expect(redactDatabaseUrl(url)).toBe(redacted);
  });

  it('does not echo a string it cannot parse', () => {
    expect(redactDatabaseUrl('host=db password=abc')).toBe('<unparseable database URL>');
  });
});
