import { StageEventTopic, type PayloadOf, type StagePhase } from '@xreason/contracts';
import type { Publisher } from '@xreason/bus';

export type StageEvent = PayloadOf<typeof StageEventTopic>;

/** Where a stage's progress goes: Kafka StageEvents when a broker is configured, log lines always. */
export interface StageReporter {
  report(phase: StagePhase, update?: Omit<StageEvent, 'stage' | 'attempt' | 'phase'>): Promise<void>;
}

export interface ReporterLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
}

/**
 * Publishes each update as a StageEvent keyed by the run's uid, and logs it. Progress events are
 * throttled (at most one per second unless the phase changes), so a fast loop does not flood the topic;
 * a failed publish is logged, never fatal: the exit code stays the verdict.
 */
export class StageEventReporter implements StageReporter {
  #lastProgressAt = 0;

  constructor(
    private readonly stage: { name: string; attempt: number; runUid: string },
    private readonly logger: ReporterLogger,
    private readonly publisher?: Publisher,
    private readonly minIntervalMs = 1000,
  ) {}

  async report(phase: StagePhase, update: Omit<StageEvent, 'stage' | 'attempt' | 'phase'> = {}): Promise<void> {
    const payload: StageEvent = { stage: this.stage.name, attempt: this.stage.attempt, phase, ...update };
    this.logger.info({ event: 'stage', ...payload }, update.message ?? phase);
    if (!this.publisher) return;
    if (phase === 'Running' && update.progress !== undefined) {
      const now = Date.now();
      if (now - this.#lastProgressAt < this.minIntervalMs && update.progress < 1) return;
      this.#lastProgressAt = now;
    }
    try {
      await this.publisher.publish(StageEventTopic, { runId: this.stage.runUid, payload });
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'could not publish a stage event');
    }
  }
}
