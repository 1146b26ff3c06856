import type { AlignmentRun, AlignmentRunSpec, AlignmentRunStatus } from '@xreason/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { type RunRef, type RunStore, type StoredRun, runKey } from '../seams/run-store.js';

/** A run as local mode stores it: the seam's view plus what the REST API shows. */
export interface LocalStoredRun extends StoredRun {
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged';
export type DeleteOutcome = 'deleted' | 'deleting' | 'not-found';

/** A write the store refuses because of the run's state (e.g. changing a run that is being deleted). */
export class RunConflictError extends Error {
  override name = 'RunConflictError';
}

export interface PostgresRunStoreOptions {
  /** How often other writers' changes are looked for (this process's own writes notify at once). */
  readonly pollMs?: number;
  readonly log?: (message: string) => void;
}

interface RunRow {
  id: string;
  name: string;
  namespace: string;
  spec: AlignmentRunSpec;
  status: AlignmentRunStatus | Record<string, never>;
  generation: number;
  deleting: boolean;
  finalizers: string[];
  created_at: Date;
  updated_at: Date;
}

const KIND = 'AlignmentRun';
const COLUMNS = `id, name, namespace, spec, status, generation, deleting, finalizers, created_at, updated_at`;

/**
 * The local-mode RunStore: AlignmentRuns as rows of the `runs` table, with Kubernetes' semantics kept
 * (generation counts spec changes only; deletion waits for finalizers; the status has one writer, the
 * operator). Changes reach subscribers at once when made through this object, and within `pollMs`
 * when another process made them (each row's `xmin` changes with every update, whoever wrote it).
 */
export class PostgresRunStore implements RunStore {
  private readonly listeners = new Set<(ref: RunRef) => void>();
  private readonly versions = new Map<string, string>();
  private pollTimer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly pollMs: number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly dataSource: DataSource,
    options: PostgresRunStoreOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1_000;
    this.log = options.log ?? (() => undefined);
  }

  /** Creates the run, or replaces its spec (bumping the generation only when the spec differs). */
  async applyRun(resource: AlignmentRun): Promise<{ run: LocalStoredRun; action: ApplyAction }> {
    const ref = { namespace: resource.metadata.namespace ?? 'default', name: resource.metadata.name };
    const rows: (RunRow & { inserted: boolean })[] = await this.dataSource.query(
      `INSERT INTO runs (kind, name, namespace, recipe, spec, phase)
       VALUES ($1, $2, $3, $4, $5::jsonb, 'Pending')
       ON CONFLICT (namespace, kind, name) DO UPDATE
         SET spec = EXCLUDED.spec, recipe = EXCLUDED.recipe, generation = runs.generation + 1, updated_at = now()
         WHERE runs.spec IS DISTINCT FROM EXCLUDED.spec AND NOT runs.deleting
       RETURNING ${COLUMNS}, (xmax = 0) AS inserted`,
      [KIND, ref.name, ref.namespace, resource.spec.recipe, JSON.stringify(resource.spec)],
    );
    const row = rows[0];
    if (row) {
      this.notify(ref);
      return { run: toStoredRun(row), action: row.inserted ? 'created' : 'configured' };
    }
    const current = await this.get(ref);
    if (!current) throw new Error(`run ${runKey(ref)} vanished while being applied; apply it again`);
    if (current.deleting)
      throw new RunConflictError(`run ${runKey(ref)} is being deleted; apply it again once it is gone`);
    return { run: current, action: 'unchanged' };
  }

  /** Deletes a run without finalizers at once; otherwise marks it deleting for the operator to clean up. */
  async deleteRun(ref: RunRef): Promise<DeleteOutcome> {
    const deleted = rowsOf(
      await this.dataSource.query(
        `DELETE FROM runs WHERE kind = $1 AND namespace = $2 AND name = $3 AND finalizers = '[]'::jsonb RETURNING id`,
        [KIND, ref.namespace, ref.name],
      ),
    );
    if (deleted.length > 0) {
      this.notify(ref);
      return 'deleted';
    }
    const marked = rowsOf(
      await this.dataSource.query(
        `UPDATE runs SET deleting = true, updated_at = now()
         WHERE kind = $1 AND namespace = $2 AND name = $3 RETURNING id`,
        [KIND, ref.namespace, ref.name],
      ),
    );
    if (marked.length === 0) return 'not-found';
    this.notify(ref);
    return 'deleting';
  }

  async get(ref: RunRef): Promise<LocalStoredRun | undefined> {
    const rows: RunRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM runs WHERE kind = $1 AND namespace = $2 AND name = $3`,
      [KIND, ref.namespace, ref.name],
    );
    return rows[0] ? toStoredRun(rows[0]) : undefined;
  }

  async list(): Promise<LocalStoredRun[]> {
    const rows: RunRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM runs WHERE kind = $1 ORDER BY namespace, created_at, name`,
      [KIND],
    );
    return rows.map(toStoredRun);
  }

  /**
   * Replaces the status (and the `phase`/`observed_generation` columns that mirror it) of the run with
   * this uid — a run deleted and re-created under the same name is not touched — and keeps the `stages`
   * table equal to the status's stage table, so artifacts can refer to their stage.
   */
  async writeStatus(run: StoredRun, status: AlignmentRunStatus): Promise<void> {
    await this.dataSource.transaction(async (db) => {
      const updated = rowsOf(
        await db.query(
          `UPDATE runs SET status = $2::jsonb, phase = $3, observed_generation = $4, updated_at = now()
           WHERE id = $1 RETURNING id`,
          [run.uid, JSON.stringify(status), status.phase, status.observedGeneration ?? 0],
        ),
      );
      if (updated.length === 0) return;
      await syncStages(db, run.uid, status);
    });
    this.notify(run.ref);
  }

  async addFinalizer(run: StoredRun, finalizer: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE runs SET finalizers = finalizers || jsonb_build_array($2::text), updated_at = now()
       WHERE id = $1 AND NOT finalizers @> jsonb_build_array($2::text)`,
      [run.uid, finalizer],
    );
    this.notify(run.ref);
  }

  async removeFinalizer(run: StoredRun, finalizer: string): Promise<void> {
    await this.dataSource.transaction(async (db) => {
      await db.query(
        `UPDATE runs SET updated_at = now(), finalizers = (
           SELECT coalesce(jsonb_agg(f), '[]'::jsonb) FROM jsonb_array_elements_text(finalizers) AS f WHERE f <> $2)
         WHERE id = $1 AND finalizers @> jsonb_build_array($2::text)`,
        [run.uid, finalizer],
      );
      // The last finalizer of a deleted run releases it, as the API server does.
      await db.query(`DELETE FROM runs WHERE id = $1 AND deleting AND finalizers = '[]'::jsonb`, [run.uid]);
    });
    this.notify(run.ref);
  }

  subscribe(listener: (ref: RunRef) => void): () => void {
    this.listeners.add(listener);
    if (!this.pollTimer) {
      this.pollTimer = setInterval(() => void this.pollOnce(), this.pollMs);
      this.pollTimer.unref();
      void this.pollOnce();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  /** Stops looking for changes; waits for a poll in flight (so the data source can be closed after). */
  async close(): Promise<void> {
    this.listeners.clear();
    this.stopPolling();
    await this.polling;
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** One look at every row's version; a new, changed or vanished row is announced. */
  private pollOnce(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = (async () => {
      try {
        const rows: { namespace: string; name: string; version: string }[] = await this.dataSource.query(
          `SELECT namespace, name, xmin::text AS version FROM runs WHERE kind = $1`,
          [KIND],
        );
        const seen = new Set<string>();
        for (const row of rows) {
          const key = runKey(row);
          seen.add(key);
          if (this.versions.get(key) === row.version) continue;
          this.versions.set(key, row.version);
          this.notify(row);
        }
        for (const key of [...this.versions.keys()]) {
          if (seen.has(key)) continue;
          this.versions.delete(key);
          const slash = key.indexOf('/');
          this.notify({ namespace: key.slice(0, slash), name: key.slice(slash + 1) });
        }
      } catch (error) {
        this.log(`polling the runs table failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  private notify(ref: RunRef): void {
    const plain = { namespace: ref.namespace, name: ref.name };
    for (const listener of this.listeners) listener(plain);
  }
}

/** TypeORM answers UPDATE/DELETE … RETURNING with `[rows, affected]`, SELECT and INSERT with the rows. */
function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as unknown[];
  return result as unknown[];
}

function toStoredRun(row: RunRow): LocalStoredRun {
  const status = 'phase' in row.status ? (row.status as AlignmentRunStatus) : undefined;
  return {
    ref: { namespace: row.namespace, name: row.name },
    uid: row.id,
    generation: row.generation,
    deleting: row.deleting,
    finalizers: row.finalizers,
    spec: row.spec,
    ...(status ? { status } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function syncStages(db: EntityManager, runId: string, status: AlignmentRunStatus): Promise<void> {
  const names = status.stages.map((s) => s.name);
  await db.query(`DELETE FROM stages WHERE run_id = $1 AND NOT (name = ANY($2::text[]))`, [runId, names]);
  for (const stage of status.stages) {
    await db.query(
      `INSERT INTO stages (run_id, name, phase, attempt, started_at, finished_at, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (run_id, name) DO UPDATE SET phase = EXCLUDED.phase, attempt = EXCLUDED.attempt,
         started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, message = EXCLUDED.message`,
      [
        runId,
        stage.name,
        stage.phase,
        Math.max(1, stage.attempts),
        stage.startedAt ?? null,
        stage.finishedAt ?? null,
        stage.message ?? null,
      ],
    );
  }
}
