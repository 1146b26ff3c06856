import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TelemetryMetrics } from './metrics.js';

describe('TelemetryMetrics', () => {
  it('renders its metrics in Prometheus text format with the service label', async () => {
    const metrics = new TelemetryMetrics('reward', { defaultMetrics: false });
    metrics
      .counter({ name: 'rewards_scored_total', help: 'rollouts scored', labelNames: ['kind'] })
      .inc({ kind: 'accuracy' }, 3);
    metrics.gauge({ name: 'queue_lag', help: 'messages behind' }).set(7);
    metrics.histogram({ name: 'reward_value', help: 'reward', buckets: [0, 0.5, 1] }).observe(0.75);
    const { contentType, body } = await metrics.render();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(body).toContain(
      '# TYPE rewards_scored_total counter\nrewards_scored_total{kind="accuracy",service="reward"} 3',
    );
    expect(body).toContain('queue_lag{service="reward"} 7');
    expect(body).toContain('reward_value_bucket{le="1",service="reward"} 1');
    expect(body).not.toContain('process_cpu');
  });

  it('includes Node default metrics unless turned off', async () => {
    const { body } = await new TelemetryMetrics('svc').render();
    expect(body).toMatch(/^process_cpu_user_seconds_total\{service="svc"\} /m);
    expect(body).toMatch(/^nodejs_heap_size_used_bytes\{service="svc"\} /m);
  });

  it('hands out the same metric when asked twice for one name', () => {
    const metrics = new TelemetryMetrics('svc', { defaultMetrics: false });
    const first = metrics.counter({ name: 'tokens_total', help: 'tokens' });
    expect(metrics.counter({ name: 'tokens_total', help: 'tokens' })).toBe(first);
    expect(first).toBeInstanceOf(Counter);
  });

  it('refuses a name already used by a metric of another type', () => {
    const metrics = new TelemetryMetrics('svc', { defaultMetrics: false });
    metrics.counter({ name: 'loss', help: 'loss' });
    expect(() => metrics.gauge({ name: 'loss', help: 'loss' })).toThrow(
      'metric loss already exists as a Counter, not a Gauge',
    );
  });

  it('keeps registries of separate instances apart', async () => {
    const a = new TelemetryMetrics('a', { defaultMetrics: false });
    const b = new TelemetryMetrics('b', { defaultMetrics: false });
    a.counter({ name: 'only_in_a_total', help: 'a' }).inc();
    expect((await b.render()).body).not.toContain('only_in_a_total');
    expect(b.counter({ name: 'only_in_a_total', help: 'b' })).not.toBe(
      a.counter({ name: 'only_in_a_total', help: 'a' }),
    );
  });
});
