import { type BeforeApplicationShutdown, Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness.js';

/**
 * Kubernetes probes. `/healthz` (liveness) says the process is serving; `/readyz` (readiness) also
 * checks every dependency and turns 503 as soon as shutdown begins, so traffic drains before the
 * server closes.
 */
@Controller()
export class HealthController implements BeforeApplicationShutdown {
  private shuttingDown = false;
  private readonly startedAt = Date.now();

  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  @Get('healthz')
  healthz() {
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  @Get('readyz')
  async readyz() {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          return [c.name, await c.check()] as const;
        } catch (error) {
          return [c.name, { ok: false, error: (error as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = !this.shuttingDown && results.every(([, r]) => r.ok);
    if (!ready)
      throw new ServiceUnavailableException({ status: this.shuttingDown ? 'shutting-down' : 'unavailable', checks });
    return { status: 'ok', checks };
  }
}
