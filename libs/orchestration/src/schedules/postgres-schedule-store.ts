import type { EvalSchedule, ScheduledNightResult } from '@xreason/contracts';
import type { DataSource } from 'typeorm';
import { type RunRef, runKey } from '../seams/run-store.js';
import { CronSchedule } from './cron-schedule.js';
import type {
  ClaimOutcome,
  EvalScheduleStatus,
  Firing,
  FiringPhase,
  ScheduleApplyAction,
  ScheduleStore,
  StoredSchedule,
} from './schedule-store.js';

const KIND = 'EvalSchedule';
const COLUMNS = `id, name, namespace, spec, status, generation, created_at`;

interface ScheduleRow {
  id: string;
  name: string;
  namespace: string;
  spec: StoredSchedule['spec'];
  status: EvalScheduleStatus | Record<string, never>;
  generation: number;
  created_at: Date;
}

interface FiringRow {
  id: string;
  schedule_id: string;
  scheduled_time: Date;
  night: string;
  phase: FiringPhase;
  started_at: Date;
  finished_at: Date | null;
  message: string | null;
  regressions: number;
  result: ScheduledNightResult | null;
}

const FIRING_COLUMNS = `id, schedule_id, scheduled_time, to_char(night, 'YYYY-MM-DD') AS night, phase, started_at, finished_at, message, regressions, result`;

/**
 * EvalSchedules as `runs` rows of kind EvalSchedule (the table was shaped for both kinds from the
 * start; evaluations point at their schedule's row), firings in `eval_schedule_firings`. No
 * finalizers: deleting a schedule deletes its firings' rows (the evaluations stay, their run id
 * cleared), and the runner stops a night whose schedule is gone.
 */
export class PostgresScheduleStore implements ScheduleStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the schedule or replaces its spec; a cron expression or time zone it cannot evaluate is refused. */
  async applySchedule(resource: EvalSchedule): Promise<{ schedule: StoredSchedule; action: ScheduleApplyAction }> {
    new CronSchedule(resource.spec.schedule, resource.spec.timeZone ?? 'UTC'); // throws InvalidScheduleError
    const ref = { namespace: resource.metadata.namespace ?? 'default', name: resource.metadata.name };
    const rows: (ScheduleRow & { inserted: boolean })[] = await this.dataSource.query(
      `INSERT INTO runs (kind, name, namespace, recipe, spec, phase)
       VALUES ($1, $2, $3, NULL, $4::jsonb, 'Scheduled')
       ON CONFLICT (namespace, kind, name) DO UPDATE
         SET spec = EXCLUDED.spec, generation = runs.generation + 1, updated_at = now()
         WHERE runs.spec IS DISTINCT FROM EXCLUDED.spec
       RETURNING ${COLUMNS}, (xmax = 0) AS inserted`,
      [KIND, ref.name, ref.namespace, JSON.stringify(resource.spec)],
    );
    const row = rows[0];
    if (row) return { schedule: toSchedule(row), action: row.inserted ? 'created' : 'configured' };
    const current = await this.get(ref);
    if (!current) throw new Error(`schedule ${runKey(ref)} vanished while being applied; apply it again`);
    return { schedule: current, action: 'unchanged' };
  }

  async deleteSchedule(ref: RunRef): Promise<'deleted' | 'not-found'> {
    const deleted = rowsOf(
      await this.dataSource.query(`DELETE FROM runs WHERE kind = $1 AND namespace = $2 AND name = $3 RETURNING id`, [
        KIND,
        ref.namespace,
        ref.name,
      ]),
    );
    return deleted.length > 0 ? 'deleted' : 'not-found';
  }

  async get(ref: RunRef): Promise<StoredSchedule | undefined> {
    const rows: ScheduleRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM runs WHERE kind = $1 AND namespace = $2 AND name = $3`,
      [KIND, ref.namespace, ref.name],
    );
    return rows[0] ? toSchedule(rows[0]) : undefined;
  }

  async list(): Promise<StoredSchedule[]> {
    const rows: ScheduleRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM runs WHERE kind = $1 ORDER BY namespace, created_at, name`,
      [KIND],
    );
    return rows.map(toSchedule);
  }

  /** Of the schedule with this uid only: one deleted and re-created under its name is not touched. */
  async writeStatus(schedule: StoredSchedule, status: EvalScheduleStatus): Promise<void> {
    const phase = status.conditions.find((c) => c.type === 'Available')?.reason ?? 'Scheduled';
    await this.dataSource.query(
      `UPDATE runs SET status = $2::jsonb, phase = $3, observed_generation = $4, updated_at = now() WHERE id = $1`,
      [schedule.uid, JSON.stringify(status), phase, status.observedGeneration ?? 0],
    );
  }

  async activeFiring(scheduleUid: string): Promise<Firing | undefined> {
    const rows: FiringRow[] = await this.dataSource.query(
      `SELECT ${FIRING_COLUMNS} FROM eval_schedule_firings WHERE schedule_id = $1 AND phase = 'Running'`,
      [scheduleUid],
    );
    return rows[0] ? toFiring(rows[0]) : undefined;
  }

  async firings(scheduleUid: string, limit: number): Promise<Firing[]> {
    const rows: FiringRow[] = await this.dataSource.query(
      `SELECT ${FIRING_COLUMNS} FROM eval_schedule_firings WHERE schedule_id = $1
       ORDER BY scheduled_time DESC LIMIT $2`,
      [scheduleUid, limit],
    );
    return rows.map(toFiring);
  }

  /**
   * One INSERT decides: the unique (schedule, scheduled time) and the partial unique index on Running
   * rows turn a second firing of the same time, or any firing beside a running one, into no row.
   */
  async claimFiring(scheduleUid: string, scheduledTime: Date, night: string): Promise<ClaimOutcome> {
    const rows: FiringRow[] = await this.dataSource.query(
      `INSERT INTO eval_schedule_firings (schedule_id, scheduled_time, night, phase)
       VALUES ($1, $2, $3, 'Running') ON CONFLICT DO NOTHING RETURNING ${FIRING_COLUMNS}`,
      [scheduleUid, scheduledTime.toISOString(), night],
    );
    if (rows[0]) return { claimed: toFiring(rows[0]) };
    const same: FiringRow[] = await this.dataSource.query(
      `SELECT ${FIRING_COLUMNS} FROM eval_schedule_firings WHERE schedule_id = $1 AND scheduled_time = $2`,
      [scheduleUid, scheduledTime.toISOString()],
    );
    if (same[0]) return { exists: toFiring(same[0]) };
    const active = await this.activeFiring(scheduleUid);
    if (active) return { active };
    throw new Error(`firing ${scheduledTime.toISOString()} of schedule ${scheduleUid} was neither claimed nor found`);
  }

  async finishFiring(
    firingId: string,
    outcome: { phase: 'Succeeded' | 'Failed'; message?: string; result?: ScheduledNightResult; finishedAt: Date },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE eval_schedule_firings SET phase = $2, message = $3, result = $4::jsonb, regressions = $5, finished_at = $6
       WHERE id = $1 AND phase = 'Running'`,
      [
        firingId,
        outcome.phase,
        outcome.message ?? null,
        outcome.result ? JSON.stringify(outcome.result) : null,
        outcome.result?.regressions ?? 0,
        outcome.finishedAt.toISOString(),
      ],
    );
  }
}

/** TypeORM answers UPDATE/DELETE … RETURNING with `[rows, affected]`, SELECT and INSERT with the rows. */
function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as unknown[];
  return result as unknown[];
}

function toSchedule(row: ScheduleRow): StoredSchedule {
  const status = 'conditions' in row.status ? (row.status as EvalScheduleStatus) : undefined;
  return {
    ref: { namespace: row.namespace, name: row.name },
    uid: row.id,
    generation: row.generation,
    spec: row.spec,
    ...(status ? { status } : {}),
    createdAt: row.created_at.toISOString(),
  };
}

function toFiring(row: FiringRow): Firing {
  return {
    id: row.id,
    scheduleUid: row.schedule_id,
    scheduledTime: row.scheduled_time.toISOString(),
    night: row.night,
    phase: row.phase,
    startedAt: row.started_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
    ...(row.message ? { message: row.message } : {}),
    regressions: row.regressions,
    ...(row.result ? { result: row.result } : {}),
  };
}
