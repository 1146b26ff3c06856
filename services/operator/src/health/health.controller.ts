import { Controller, Get, HttpStatus, Inject, type BeforeApplicationShutdown, Res } from '@nestjs/common';
import type { Response } from 'express';
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
  async readyz(@Res({ passthrough: true }) response: Response) {
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
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ok' : this.shuttingDown ? 'shutting-down' : 'unavailable', checks };
  }
}
