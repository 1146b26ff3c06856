import { randomUUID } from 'node:crypto';
import type { EvalScheduleSpec, ScheduledNightResult } from '@xreason/contracts';
import type { NightLauncher, NightObservation } from './night-launcher.js';
import type { ClaimOutcome, EvalScheduleStatus, Firing, ScheduleStore, StoredSchedule } from './schedule-store.js';

/** The ScheduleStore's rules in memory: one firing per scheduled time, none beside a Running one. */
export class MemoryScheduleStore implements ScheduleStore {
  readonly schedules = new Map<string, StoredSchedule>();
  readonly all: Firing[] = [];

  add(name: string, spec: Partial<EvalScheduleSpec>, createdAt: string): StoredSchedule {
    const schedule: StoredSchedule = {
      ref: { namespace: 'default', name },
      uid: randomUUID(),
      generation: 1,
      spec: {
        schedule: '0 2 * * *',
        models: [{ name: 'candidate', uri: '/models/candidate' }],
        languages: ['ja'],
        evaluation: { suites: ['world'], samples: 1, k: [1] },
        ...spec,
      },
      createdAt,
    };
    this.schedules.set(schedule.uid, schedule);
    return schedule;
  }

  async list(): Promise<StoredSchedule[]> {
    return [...this.schedules.values()];
  }

  async get(ref: StoredSchedule['ref']): Promise<StoredSchedule | undefined> {
    return [...this.schedules.values()].find((s) => s.ref.name === ref.name && s.ref.namespace === ref.namespace);
  }

  async writeStatus(schedule: StoredSchedule, status: EvalScheduleStatus): Promise<void> {
    const current = this.schedules.get(schedule.uid);
    if (current) this.schedules.set(schedule.uid, { ...current, status: structuredClone(status) });
  }

  async activeFiring(uid: string): Promise<Firing | undefined> {
    return this.all.find((f) => f.scheduleUid === uid && f.phase === 'Running');
  }

  async firings(uid: string, limit: number): Promise<Firing[]> {
    return this.all
      .filter((f) => f.scheduleUid === uid)
      .sort((a, b) => Date.parse(b.scheduledTime) - Date.parse(a.scheduledTime))
      .slice(0, limit);
  }

  async claimFiring(uid: string, scheduledTime: Date, night: string): Promise<ClaimOutcome> {
    const same = this.all.find((f) => f.scheduleUid === uid && f.scheduledTime === scheduledTime.toISOString());
    if (same) return { exists: same };
    const active = await this.activeFiring(uid);
    if (active) return { active };
    const firing: Firing = {
      id: randomUUID(),
      scheduleUid: uid,
      scheduledTime: scheduledTime.toISOString(),
      night,
      phase: 'Running',
      startedAt: new Date().toISOString(),
      regressions: 0,
    };
    this.all.push(firing);
    return { claimed: firing };
  }

  async finishFiring(
    id: string,
    outcome: { phase: 'Succeeded' | 'Failed'; message?: string; result?: ScheduledNightResult; finishedAt: Date },
  ): Promise<void> {
    const i = this.all.findIndex((f) => f.id === id && f.phase === 'Running');
    if (i < 0) return;
    this.all[i] = {
      ...this.all[i]!,
      phase: outcome.phase,
      finishedAt: outcome.finishedAt.toISOString(),
      regressions: outcome.result?.regressions ?? 0,
      ...(outcome.message ? { message: outcome.message } : {}),
      ...(outcome.result ? { result: outcome.result } : {}),
    };
  }
}

/** Nights that run until the test ends them. */
export class ScriptedLauncher implements NightLauncher {
  readonly started: Firing[] = [];
  readonly outcomes = new Map<string, NightObservation>();
  readonly stopped: string[] = [];

  async start(_schedule: StoredSchedule, firing: Firing): Promise<void> {
    this.started.push(firing);
  }

  async observe(firing: Firing): Promise<NightObservation> {
    return this.outcomes.get(firing.id) ?? { state: 'Running' };
  }

  async running(): Promise<{ scheduleUid: string; firingId: string }[]> {
    return this.started
      .filter((f) => !this.outcomes.has(f.id))
      .map((f) => ({ scheduleUid: f.scheduleUid, firingId: f.id }));
  }

  async stop(scheduleUid: string, firingId: string): Promise<void> {
    this.stopped.push(firingId);
    this.outcomes.set(firingId, { state: 'Failed', message: 'stopped', finishedAt: new Date() });
  }

  /** Ends the latest started night. */
  finish(outcome: NightObservation): Firing {
    const firing = this.started.at(-1)!;
    this.outcomes.set(firing.id, outcome);
    return firing;
  }
}
