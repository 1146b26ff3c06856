import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Injectable, Module, NotFoundException, Param, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PinoNestLogger } from './pino-nest-logger.service.js';
import { Telemetry } from './telemetry.js';
import { TelemetryModule, type TelemetryModuleOptions } from './telemetry.module.js';
import { captureLogs } from './telemetry.test-helpers.js';

@Injectable()
class RunService {
  constructor(private readonly telemetry: Telemetry) {}

  load(id: string): Promise<{ id: string }> {
    return this.telemetry.withSpan(
      'load run',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        this.telemetry.logger.info({ run: id }, 'loaded run');
        if (id === 'missing') throw new NotFoundException(`run ${id} does not exist`);
        return { id };
      },
      { 'xreason.run': id },
    );
  }
}

@Controller('runs')
class RunController {
  constructor(private readonly runs: RunService) {}

  @Get(':id')
  get(@Param('id') id: string): Promise<{ id: string }> {
    return this.runs.load(id);
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function startApp(options: Partial<TelemetryModuleOptions> = {}) {
  const exporter = new InMemorySpanExporter();
  const logs = captureLogs();
  @Module({
    imports: [
      TelemetryModule.forRoot({
        serviceName: 'nest-svc',
        spanExporter: exporter,
        logDestination: logs,
        ...options,
      } as TelemetryModuleOptions),
    ],
    controllers: [RunController],
    providers: [RunService],
  })
  class AppModule {}
  app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { exporter, logs, base: `http://127.0.0.1:${port}` };
}

/** The server span ends when the response has finished, which the client may see first. */
async function spanNamed(exporter: InMemorySpanExporter, name: string): Promise<ReadableSpan> {
  return vi.waitFor(() => {
    const span = exporter.getFinishedSpans().find((s) => s.name === name);
    if (!span)
      throw new Error(
        `no span ${name} yet; have ${exporter
          .getFinishedSpans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    return span;
  });
}

describe('TelemetryModule', () => {
  it('exports a server span per request and the handler span beneath it, with route, method and status', async () => {
    const { exporter, base } = await startApp();
    const response = await fetch(`${base}/runs/r-42?verbose=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'r-42' });

    const server = await spanNamed(exporter, 'GET /runs/:id');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/runs/:id',
      'http.response.status_code': 200,
      'url.path': '/runs/r-42',
    });
    const handler = await spanNamed(exporter, 'load run');
    expect(handler.attributes).toEqual({ 'xreason.run': 'r-42' });
    expect(handler.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(handler.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
  });

  it('puts the request span trace id on log lines written while handling it', async () => {
    const { exporter, logs, base } = await startApp();
    await fetch(`${base}/runs/r-7`);
    const handler = await spanNamed(exporter, 'load run');
    const line = logs.lines.find((l) => l['msg'] === 'loaded run');
    expect(line).toMatchObject({
      service: 'nest-svc',
      run: 'r-7',
      trace_id: handler.spanContext().traceId,
      span_id: handler.spanContext().spanId,
    });
  });

  it('continues the trace of a caller that sends a W3C traceparent', async () => {
    const { exporter, base } = await startApp();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await fetch(`${base}/runs/r-1`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const server = await spanNamed(exporter, 'GET /runs/:id');
    expect(server.spanContext().traceId).toBe(traceId);
    expect(server.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('serves Prometheus text on /metrics counting requests by method, route and status', async () => {
    const { exporter, base } = await startApp();
    await fetch(`${base}/runs/a`);
    await fetch(`${base}/runs/b`);
    await fetch(`${base}/runs/missing`);
    await fetch(`${base}/no/such/path`);
    // Counting happens when the response ends; wait for the last request's span, which ends right after.
    await vi.waitFor(() =>
      expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(4),
    );

    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toContain('http_requests_total{method="GET",route="/runs/:id",status="200",service="nest-svc"} 2');
    expect(text).toContain('http_requests_total{method="GET",route="/runs/:id",status="404",service="nest-svc"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="(unmatched)",status="404",service="nest-svc"} 1');
    expect(text).toContain(
      'http_request_duration_seconds_count{service="nest-svc",method="GET",route="/runs/:id",status="200"} 2',
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="nest-svc"\} /m);
  });

  it('marks server spans of failed requests as errors only for 5xx', async () => {
    const { exporter, base } = await startApp();
    await fetch(`${base}/runs/missing`);
    const server = await spanNamed(exporter, 'GET /runs/:id');
    expect(server.attributes['http.response.status_code']).toBe(404);
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    const handler = await spanNamed(exporter, 'load run');
    expect(handler.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('writes Nest’s own logs as JSON through pino', async () => {
    const { logs } = await startApp();
    const mapped = logs.lines.find((l) => typeof l['msg'] === 'string' && (l['msg'] as string).includes('/runs/:id'));
    expect(mapped).toMatchObject({ level: 'info', service: 'nest-svc', context: 'RouterExplorer' });
  });

  it('leaves /metrics out when metrics is false', async () => {
    const { base } = await startApp({ metrics: false });
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });

  it('shuts its telemetry down with the app, flushing spans', async () => {
    const { base } = await startApp();
    const telemetry = app!.get(Telemetry);
    const shutdown = vi.spyOn(telemetry, 'shutdown');
    await fetch(`${base}/runs/x`);
    await app!.close();
    app = undefined;
    expect(shutdown).toHaveBeenCalledOnce();
  });

  it('uses a Telemetry set up by the caller and leaves its shutdown to the caller', async () => {
    const { setupTelemetry } = await import('./telemetry.js');
    const exporter = new InMemorySpanExporter();
    const own = setupTelemetry({ serviceName: 'own', spanExporter: exporter, logDestination: captureLogs() });
    const shutdown = vi.spyOn(own, 'shutdown');
    const { base } = await startApp({ telemetry: own } as Partial<TelemetryModuleOptions>);
    expect(app!.get(Telemetry)).toBe(own);
    await fetch(`${base}/runs/y`);
    await spanNamed(exporter, 'GET /runs/:id');
    await app!.close();
    app = undefined;
    expect(shutdown).not.toHaveBeenCalled();
    await own.shutdown();
  });
});
