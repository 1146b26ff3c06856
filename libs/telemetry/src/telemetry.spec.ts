import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it } from 'vitest';
import { otlpTracesUrl, setupTelemetry, type Telemetry } from './telemetry.js';
import { captureLogs, startOtlpReceiver } from './telemetry.test-helpers.js';
import { extractTraceContext, injectTraceContext, withSpan } from './trace-context.js';

const started: Telemetry[] = [];
function setup(options: Parameters<typeof setupTelemetry>[0]): Telemetry {
  const telemetry = setupTelemetry(options);
  started.push(telemetry);
  return telemetry;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.shutdown()));
});

describe('setupTelemetry tracing', () => {
  it('exports a span made by withSpan with its attributes and the service resource', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = setup({
      serviceName: 'svc-a',
      serviceVersion: '1.2.3',
      spanExporter: exporter,
      logDestination: captureLogs(),
    });
    const result = await telemetry.withSpan(
      'score rollouts',
      async (span) => {
        span.setAttribute('xreason.rollouts', 8);
        return 'done';
      },
      { 'xreason.run': 'run-1' },
    );
    expect(result).toBe('done');
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('score rollouts');
    expect(span?.attributes).toEqual({ 'xreason.run': 'run-1', 'xreason.rollouts': 8 });
    expect(span?.resource.attributes).toMatchObject({ 'service.name': 'svc-a', 'service.version': '1.2.3' });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a span whose work throws as an error, records the exception and rethrows', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = setup({ serviceName: 'svc', spanExporter: exporter, logDestination: captureLogs() });
    await expect(
      telemetry.withSpan('load shard', () => Promise.reject(new Error('shard 3 is truncated'))),
    ).rejects.toThrow('shard 3 is truncated');
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'shard 3 is truncated' });
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('nests spans through awaits via the AsyncLocalStorage context, also for the global withSpan', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = setup({ serviceName: 'svc', spanExporter: exporter, logDestination: captureLogs() });
    await telemetry.withSpan('parent', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await withSpan('child', async () => undefined);
    });
    const spans = exporter.getFinishedSpans();
    const parent = spans.find((s) => s.name === 'parent');
    const child = spans.find((s) => s.name === 'child');
    expect(child?.spanContext().traceId).toBe(parent?.spanContext().traceId);
    expect(child?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
  });

  it('keeps working when set up several times in one process', async () => {
    const first = new InMemorySpanExporter();
    const second = new InMemorySpanExporter();
    const a = setup({ serviceName: 'a', spanExporter: first, logDestination: captureLogs() });
    const b = setup({ serviceName: 'b', spanExporter: second, logDestination: captureLogs() });
    await a.withSpan('from a', () => undefined);
    await b.withSpan('from b', async () => {
      await withSpan('global after second setup', () => undefined);
    });
    expect(first.getFinishedSpans().map((s) => s.name)).toEqual(['from a']);
    expect(
      second
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['from b', 'global after second setup']);
    await b.shutdown();
    await a.withSpan('a after b shut down', () => undefined);
    expect(first.getFinishedSpans().map((s) => s.name)).toContain('a after b shut down');
  });

  it('creates spans but exports nothing when neither an exporter nor an endpoint is given', async () => {
    const telemetry = setup({ serviceName: 'svc', logDestination: captureLogs() });
    const traceId = await telemetry.withSpan('quiet', (span) => span.spanContext().traceId);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
  });
});

describe('OTLP/HTTP export', () => {
  it('sends spans to <endpoint>/v1/traces, and shutdown flushes the batch', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const telemetry = setupTelemetry({
        serviceName: 'otlp-svc',
        otlpEndpoint: `${receiver.url}/`,
        logDestination: captureLogs(),
      });
      await telemetry.withSpan('merge checkpoints', () => undefined);
      // The batch processor waits seconds before exporting; only shutdown's flush can deliver this now.
      expect(receiver.requests).toHaveLength(0);
      await telemetry.shutdown();
      expect(receiver.requests).toHaveLength(1);
      const [request] = receiver.requests;
      expect(request).toMatchObject({ method: 'POST', path: '/v1/traces', contentType: 'application/json' });
      expect(request?.body).toContain('merge checkpoints');
      expect(request?.body).toContain('otlp-svc');
    } finally {
      await receiver.close();
    }
  });

  it('accepts the endpoint as a base URL or as the full traces URL', () => {
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318/v1/traces')).toBe('http://collector:4318/v1/traces');
  });
});

describe('trace context propagation', () => {
  it('writes a W3C traceparent for the active span and continues it on the receiving side', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = setup({ serviceName: 'svc', spanExporter: exporter, logDestination: captureLogs() });
    const headers: Record<string, string> = {};
    const producer = await telemetry.withSpan('produce', (span) => {
      injectTraceContext(headers);
      return span.spanContext();
    });
    expect(headers['traceparent']).toBe(`00-${producer.traceId}-${producer.spanId}-01`);

    // Kafka hands headers back as Buffers.
    const received = { traceparent: Buffer.from(headers['traceparent'] ?? '') };
    await context.with(extractTraceContext(received), () => telemetry.withSpan('consume', () => undefined));
    const consume = exporter.getFinishedSpans().find((s) => s.name === 'consume');
    expect(consume?.spanContext().traceId).toBe(producer.traceId);
    expect(consume?.parentSpanContext?.spanId).toBe(producer.spanId);
  });

  it('starts a new trace when the carrier has no traceparent', () => {
    expect(trace.getSpanContext(extractTraceContext({}))).toBeUndefined();
    expect(injectTraceContext({})).toEqual({});
  });
});

describe('logs', () => {
  it('writes JSON lines carrying the service and the active span ids', async () => {
    const logs = captureLogs();
    const telemetry = setup({
      serviceName: 'svc-log',
      serviceVersion: '0.1.0',
      spanExporter: new InMemorySpanExporter(),
      logDestination: logs,
    });
    telemetry.logger.info('outside');
    const ids = await telemetry.withSpan('work', (span) => {
      telemetry.logger.info({ step: 2 }, 'inside');
      return span.spanContext();
    });
    const [outside, inside] = logs.lines;
    expect(outside).toMatchObject({ level: 'info', msg: 'outside', service: 'svc-log', version: '0.1.0' });
    expect(outside).not.toHaveProperty('trace_id');
    expect(inside).toMatchObject({ msg: 'inside', step: 2, trace_id: ids.traceId, span_id: ids.spanId });
    expect(typeof inside?.['time']).toBe('string');
  });

  it('honours the log level', () => {
    const logs = captureLogs();
    const telemetry = setup({ serviceName: 'svc', logLevel: 'warn', logDestination: logs });
    telemetry.logger.info('dropped');
    telemetry.logger.warn('kept');
    expect(logs.lines.map((l) => l['msg'])).toEqual(['kept']);
  });

  it('never writes values under secret-looking keys', () => {
    const logs = captureLogs();
    const telemetry = setup({ serviceName: 'svc', logDestination: logs });
    telemetry.logger.info(
      {
        password: 'pw-1',
        token: 'tok-2',
        config: { apiKey: 'key-3', database: { url: 'postgres://u:pw-4@db/x' } },
        req: { headers: { authorization: 'Bearer tok-5' } },
      },
      'starting',
    );
    const line = JSON.stringify(logs.lines[0]);
    for (const secret of ['pw-1', 'tok-2', 'key-3', 'pw-4', 'tok-5']) expect(line).not.toContain(secret);
    expect(logs.lines[0]).toMatchObject({ password: '[redacted]', config: { apiKey: '[redacted]' } });
  });
});
