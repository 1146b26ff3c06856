import { hostname } from 'node:os';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';

export type LogLevel = Level | 'silent';

/** Where log lines go: a pino/Node writable stream, a file descriptor, or a file path. Default: stdout. */
export type LogDestination = DestinationStream | NodeJS.WritableStream | number | string;

/**
 * Keys whose values never reach a log line, at the top level and one object down (pino's redaction
 * wildcards match one level; deeper secrets must not be logged as whole objects in the first place).
 */
export const REDACTED_KEYS = [
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'api_key',
  'privateKey',
  'credentials',
  'authorization',
  'cookie',
  'databaseUrl',
  'DATABASE_URL',
] as const;

export const REDACT_PATHS: readonly string[] = [
  ...REDACTED_KEYS.flatMap((key) => [key, `*.${key}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'database.url',
  'config.database.url',
];

export interface LoggerOptions {
  serviceName: string;
  serviceVersion?: string;
  level?: LogLevel;
  destination?: LogDestination;
}

/**
 * A JSON logger whose every line carries the service and, inside a span, that span's `trace_id` and
 * `span_id`, so a log search can jump to the trace.
 */
export function createLogger({ serviceName, serviceVersion, level = 'info', destination }: LoggerOptions): Logger {
  const stream =
    destination === undefined
      ? pino.destination({ dest: 1, sync: true })
      : typeof destination === 'number' || typeof destination === 'string'
        ? pino.destination({ dest: destination, sync: true })
        : (destination as DestinationStream);
  return pino(
    {
      level,
      base: {
        service: serviceName,
        ...(serviceVersion ? { version: serviceVersion } : {}),
        pid: process.pid,
        hostname: hostname(),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      mixin() {
        const span = trace.getSpan(context.active());
        if (!span) return {};
        const spanContext = span.spanContext();
        return isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
      },
    },
    stream,
  );
}
