export { HealthController } from './health/health.controller.js';
export { READINESS_CHECKS, type ReadinessCheck } from './health/readiness.js';
export { HttpTelemetryMiddleware, UNMATCHED_ROUTE } from './http-telemetry.middleware.js';
export {
  REDACTED_KEYS,
  REDACT_PATHS,
  createLogger,
  type LogDestination,
  type LogLevel,
  type LoggerOptions,
} from './logging.js';
export { MetricsController } from './metrics.controller.js';
export { TelemetryMetrics, type RenderedMetrics } from './metrics.js';
export { PinoNestLogger } from './pino-nest-logger.service.js';
export { Telemetry, otlpTracesUrl, setupTelemetry, type TelemetryOptions } from './telemetry.js';
export { TelemetryModule, type TelemetryModuleOptions } from './telemetry.module.js';
export { extractTraceContext, injectTraceContext, runInSpan, withSpan, type TraceCarrier } from './trace-context.js';
// Re-exported so services' tests capture spans with the same SDK copy the provider uses.
export { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
