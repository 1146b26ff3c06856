import type { NightRegression, ScheduledNightResult } from '@xreason/contracts';
import { type ConditionInput, setConditions } from '../controllers/conditions.js';
import { runKey } from '../seams/run-store.js';
import { CronSchedule, InvalidScheduleError } from './cron-schedule.js';
import type { NightLauncher } from './night-launcher.js';
import { DEFAULT_STARTING_DEADLINE_SECONDS, type FiringDecision, decideFiring } from './schedule-decision.js';
import type { EvalScheduleStatus, Firing, ScheduleStore, StoredSchedule } from './schedule-store.js';

export interface ScheduleRunnerOptions {
  readonly store: ScheduleStore;
  readonly launcher: NightLauncher;
  readonly clock?: () => Date;
  /** How often schedules are looked at (a due time starts within this; a finished night is noticed within this). */
  readonly tickMs?: number;
  readonly startingDeadlineSeconds?: number;
  readonly log?: (message: string) => void;
}

/**
 * Local mode's CronJob controller for EvalSchedules. Every tick, per schedule: observe the running
 * firing (finished → record its outcome), decide with `decideFiring` (the CronJob rules: most recent
 * owed time only, within the starting deadline, Forbid), claim the firing in the store — atomic, so
 * a time fires once and never beside a running one — start its night, and write the status
 * (lastScheduleTime, lastSuccessfulTime, lastRegression, conditions). Nights whose schedule was
 * deleted are stopped. The clock is injected, so tests move time instead of waiting for it.
 */
export class ScheduleRunner {
  private readonly clock: () => Date;
  private readonly log: (message: string) => void;
  private readonly deadline: number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** Missed-deadline times already logged, so a missed night is reported once, not every tick. */
  private readonly reportedMisses = new Set<string>();

  constructor(private readonly options: ScheduleRunnerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
    this.deadline = options.startingDeadlineSeconds ?? DEFAULT_STARTING_DEADLINE_SECONDS;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 1_000);
    this.timer.unref();
    void this.tick();
  }

  /** Stops ticking and waits for a tick in flight; running nights go on (a restarted operator adopts them). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** One look at every schedule; ticks never overlap (a second call waits for the first). */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        const schedules = await this.options.store.list();
        await this.stopOrphans(new Set(schedules.map((s) => s.uid)));
        for (const schedule of schedules) {
          try {
            await this.reconcile(schedule);
          } catch (error) {
            this.log(`schedule ${runKey(schedule.ref)}: ${(error as Error).message}`);
          }
        }
      } catch (error) {
        this.log(`listing schedules failed: ${(error as Error).message}`);
      } finally {
        this.ticking = undefined;
      }
    })();
    return this.ticking;
  }

  private async stopOrphans(live: Set<string>): Promise<void> {
    for (const night of await this.options.launcher.running())
      if (!live.has(night.scheduleUid)) await this.options.launcher.stop(night.scheduleUid, night.firingId);
  }

  private async reconcile(schedule: StoredSchedule): Promise<void> {
    const { store, launcher } = this.options;
    const now = this.clock();
    let active = await store.activeFiring(schedule.uid);
    if (active) {
      const seen = await launcher.observe(active);
      if (seen.state === 'Succeeded' || seen.state === 'Failed') {
        await store.finishFiring(active.id, {
          phase: seen.state,
          ...(seen.state === 'Failed' ? { message: seen.message } : {}),
          ...(seen.state === 'Succeeded' && seen.result ? { result: seen.result } : {}),
          finishedAt: seen.finishedAt,
        });
        this.log(
          `schedule ${runKey(schedule.ref)} night ${active.night} ${seen.state.toLowerCase()}${seen.state === 'Failed' ? `: ${seen.message}` : seen.result ? ` (${seen.result.regressions} regression(s))` : ''}`,
        );
        active = undefined;
      }
    }

    let cron: CronSchedule;
    try {
      cron = new CronSchedule(schedule.spec.schedule, schedule.spec.timeZone ?? 'UTC');
    } catch (error) {
      if (!(error instanceof InvalidScheduleError)) throw error;
      await this.writeStatus(schedule, now, { invalid: error.message, active });
      return;
    }

    const [latest] = await store.firings(schedule.uid, 1);
    const lastScheduleTime = latestOf(schedule.status?.lastScheduleTime, latest?.scheduledTime);
    const decision = decideFiring({
      cron,
      now,
      lastScheduleTime,
      createdAt: new Date(schedule.createdAt),
      startingDeadlineSeconds: this.deadline,
      suspended: schedule.spec.suspend === true,
      active: active !== undefined,
    });
    let started: Date | undefined;
    if (decision.action === 'fire') {
      const night = cron.dateOf(decision.scheduledTime);
      const claim = await store.claimFiring(schedule.uid, decision.scheduledTime, night);
      if ('claimed' in claim) {
        started = decision.scheduledTime;
        active = claim.claimed;
        this.log(
          `schedule ${runKey(schedule.ref)}: starting night ${night} for ${decision.scheduledTime.toISOString()}${decision.skipped > 0 ? ` (${decision.skipped} earlier time(s) missed; at most one catch-up)` : ''}`,
        );
        try {
          await this.options.launcher.start(schedule, claim.claimed);
        } catch (error) {
          await store.finishFiring(claim.claimed.id, {
            phase: 'Failed',
            message: `could not start: ${(error as Error).message}`,
            finishedAt: this.clock(),
          });
          active = undefined;
        }
      } else if ('exists' in claim) {
        started = new Date(claim.exists.scheduledTime);
      } else {
        active = claim.active;
      }
    } else if (decision.reason === 'missed-deadline' && decision.scheduledTime) {
      const key = `${schedule.uid}@${decision.scheduledTime.toISOString()}`;
      if (!this.reportedMisses.has(key)) {
        this.reportedMisses.add(key);
        this.log(
          `schedule ${runKey(schedule.ref)}: missed ${decision.scheduledTime.toISOString()} by more than the ${this.deadline} s starting deadline; next at ${decision.nextAt?.toISOString() ?? 'never'}`,
        );
      }
    }
    await this.writeStatus(schedule, now, {
      active,
      decision,
      lastScheduleTime: latestOf(lastScheduleTime?.toISOString(), started?.toISOString()),
    });
  }

  private async writeStatus(
    schedule: StoredSchedule,
    now: Date,
    facts: { invalid?: string; active?: Firing | undefined; decision?: FiringDecision; lastScheduleTime?: Date },
  ): Promise<void> {
    const { store } = this.options;
    const history = await store.firings(schedule.uid, 20);
    const finished = history.filter((f) => f.phase !== 'Running');
    const lastFinished = finished[0];
    const lastSucceeded = finished.find((f) => f.phase === 'Succeeded');
    const lastWithRegressions = finished.find((f) => f.phase === 'Succeeded' && f.regressions > 0);
    const suspended = schedule.spec.suspend === true;
    const updates: ConditionInput[] = [
      facts.invalid
        ? { type: 'Available', status: 'False', reason: 'InvalidSchedule', message: facts.invalid }
        : suspended
          ? { type: 'Available', status: 'False', reason: 'Suspended', message: 'spec.suspend is true' }
          : {
              type: 'Available',
              status: 'True',
              reason: 'Scheduled',
              message: `"${schedule.spec.schedule}" in ${schedule.spec.timeZone ?? 'UTC'}; next at ${facts.decision?.nextAt?.toISOString() ?? 'never'}`,
            },
      facts.active
        ? {
            type: 'Progressing',
            status: 'True',
            reason: 'NightRunning',
            message: `night ${facts.active.night} (scheduled ${facts.active.scheduledTime}) is running`,
          }
        : { type: 'Progressing', status: 'False', reason: 'Idle', message: '' },
      lastFinished?.phase === 'Failed'
        ? {
            type: 'Degraded',
            status: 'True',
            reason: 'NightFailed',
            message: `night ${lastFinished.night} failed: ${lastFinished.message ?? 'no message'}`.slice(0, 1000),
          }
        : { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '' },
    ];
    const lastRegression = lastWithRegressions?.result
      ? describeRegressions(lastWithRegressions.result)
      : schedule.status?.lastRegression;
    const status: EvalScheduleStatus = {
      observedGeneration: schedule.generation,
      conditions: setConditions(schedule.status?.conditions ?? [], updates, schedule.generation, now),
      ...(facts.lastScheduleTime ? { lastScheduleTime: facts.lastScheduleTime.toISOString() } : {}),
      ...(lastSucceeded?.finishedAt
        ? { lastSuccessfulTime: lastSucceeded.finishedAt }
        : schedule.status?.lastSuccessfulTime
          ? { lastSuccessfulTime: schedule.status.lastSuccessfulTime }
          : {}),
      ...(lastRegression ? { lastRegression } : {}),
    };
    if (JSON.stringify(status) === JSON.stringify(schedule.status)) return;
    await store.writeStatus(schedule, status);
  }
}

function latestOf(...times: (string | undefined)[]): Date | undefined {
  const ms = times.filter((t): t is string => Boolean(t)).map((t) => Date.parse(t));
  return ms.length > 0 ? new Date(Math.max(...ms)) : undefined;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** `2026-01-03: 2 regressions — candidate on world-test-iid: ja language_consistency 81.3% → 6.3% vs previous (p 0.00012, Holm 0.00072); …` */
export function describeRegressions(result: ScheduledNightResult): string {
  const items: string[] = [];
  for (const e of result.evaluations)
    for (const r of e.regressions as NightRegression[])
      items.push(
        `${e.model} on ${e.suite}: ${r.language} ${r.metric} ${pct(r.previous)} → ${pct(r.current)} vs ${r.comparedWith} (p ${r.pValue.toPrecision(2)}, Holm ${r.adjustedPValue.toPrecision(2)})`,
      );
  const text = `${result.night}: ${result.regressions} regression${result.regressions === 1 ? '' : 's'} — ${items.join('; ')}`;
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}
