import { ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { HealthController } from './health.controller.js';

describe('HealthController', () => {
  const healthy = { name: 'database', check: async () => ({ ok: true, latencyMs: 1 }) };

  it('reports every failing check by name', async () => {
    const controller = new HealthController([
      healthy,
      { name: 'broker', check: async () => ({ ok: false, error: 'refused' }) },
    ]);
    const error = await controller.readyz().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect((error as ServiceUnavailableException).getResponse()).toMatchObject({
      status: 'unavailable',
      checks: { database: { ok: true }, broker: { ok: false, error: 'refused' } },
    });
  });

  it('treats a check that throws as failed instead of failing the probe', async () => {
    const controller = new HealthController([{ name: 'database', check: () => Promise.reject(new Error('boom')) }]);
    const error = (await controller.readyz().catch((e: unknown) => e)) as ServiceUnavailableException;
    expect(error.getResponse()).toMatchObject({ checks: { database: { ok: false, error: 'boom' } } });
  });

  it('turns not ready once shutdown begins, while liveness stays ok', async () => {
    const controller = new HealthController([healthy]);
    await expect(controller.readyz()).resolves.toMatchObject({ status: 'ok' });
    controller.beforeApplicationShutdown();
    const error = (await controller.readyz().catch((e: unknown) => e)) as ServiceUnavailableException;
    expect(error.getResponse()).toMatchObject({ status: 'shutting-down' });
    expect(controller.healthz().status).toBe('ok');
  });
});
