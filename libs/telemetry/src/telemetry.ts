import { context, propagation, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { createLogger, type LogDestination, type LogLevel } from './logging.js';
import { TelemetryMetrics, type RenderedMetrics } from './metrics.js';
import { runInSpan } from './trace-context.js';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /**
   * OTLP/HTTP collector base URL, as in OTEL_EXPORTER_OTLP_ENDPOINT (`http://collector:4318`); spans
   * go to `<url>/v1/traces` in batches. Absent: spans are created (trace ids in logs, propagation) but
   * not exported.
   */
  otlpEndpoint?: string;
  /** An exporter that receives every span as it ends (tests pass an InMemorySpanExporter). */
  spanExporter?: SpanExporter;
  logLevel?: LogLevel;
  logDestination?: LogDestination;
  /** Collect Node's default process metrics (default true). */
  defaultMetrics?: boolean;
}

/** The traces URL for an OTLP/HTTP endpoint given as a base URL or already as the full traces URL. */
export function otlpTracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

// The OpenTelemetry API holds one tracer provider, context manager and propagator per process; the
// most recent setupTelemetry owns them, and only its shutdown releases them.
let globalOwner: Telemetry | undefined;

/**
 * A service's tracing, logging and metrics. Injectable by class in Nest (TelemetryModule provides it).
 */
export class Telemetry {
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly metrics: TelemetryMetrics;
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    readonly serviceName: string,
    private readonly provider: NodeTracerProvider,
    logger: Logger,
    metrics: TelemetryMetrics,
    serviceVersion?: string,
  ) {
    this.tracer = provider.getTracer(serviceName, serviceVersion);
    this.logger = logger;
    this.metrics = metrics;
  }

  /** Runs `fn` in a new active span of this service's tracer; the span ends when `fn` settles. */
  withSpan<T>(name: string, fn: (span: Span) => Promise<T> | T, attributes?: Attributes): Promise<T> {
    return runInSpan(this.tracer, name, fn, attributes);
  }

  renderMetrics(): Promise<RenderedMetrics> {
    return this.metrics.render();
  }

  /** Exports every span still buffered, flushes the log, and releases the OpenTelemetry globals it owns. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      try {
        await this.provider.shutdown();
      } finally {
        this.logger.flush();
        if (globalOwner === this) {
          globalOwner = undefined;
          trace.disable();
          context.disable();
          propagation.disable();
        }
      }
    })();
    return this.shutdownPromise;
  }
}

/**
 * Sets up tracing (registered as the process-wide OpenTelemetry provider, with AsyncLocalStorage
 * context and W3C trace-context propagation), a pino JSON logger and a Prometheus registry, in one
 * call. Calling it again replaces the globals; the earlier Telemetry keeps its own tracer and exporters.
 */
export function setupTelemetry(options: TelemetryOptions): Telemetry {
  const spanProcessors: SpanProcessor[] = [];
  if (options.spanExporter) spanProcessors.push(new SimpleSpanProcessor(options.spanExporter));
  if (options.otlpEndpoint) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(options.otlpEndpoint) })));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
    }),
    spanProcessors,
  });

  // The API refuses to replace a registered global; a second setup (tests, a restarted app) must win.
  trace.disable();
  context.disable();
  propagation.disable();
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new W3CTraceContextPropagator(),
  });

  const logger = createLogger({
    serviceName: options.serviceName,
    serviceVersion: options.serviceVersion,
    level: options.logLevel,
    destination: options.logDestination,
  });
  const metrics = new TelemetryMetrics(options.serviceName, { defaultMetrics: options.defaultMetrics });
  const telemetry = new Telemetry(options.serviceName, provider, logger, metrics, options.serviceVersion);
  globalOwner = telemetry;
  return telemetry;
}
