import {
  ROOT_CONTEXT,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Headers as HTTP (node) and Kafka (kafkajs) deliver them: strings or Buffers, possibly repeated.
 * Writing always uses strings, which both accept.
 */
export type TraceCarrier = Record<string, string | Buffer | readonly (string | Buffer)[] | undefined>;

// The helpers use their own W3C propagator rather than the global one, so trace context crosses
// processes even before (or without) setupTelemetry registering globals.
const propagator = new W3CTraceContextPropagator();

const getter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key] ?? carrier[key.toLowerCase()];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** Writes the active (or given) span's W3C `traceparent`/`tracestate` into `carrier` and returns it. */
export function injectTraceContext<C extends TraceCarrier>(carrier: C, from: Context = context.active()): C {
  propagator.inject(from, carrier, {
    set: (target, key, value) => {
      (target as TraceCarrier)[key] = value;
    },
  });
  return carrier;
}

/**
 * The context a received message or request continues: `base` (the root by default — a server span
 * must not inherit whatever happened to be active) with the remote parent from `carrier`, if any.
 */
export function extractTraceContext(carrier: TraceCarrier, base: Context = ROOT_CONTEXT): Context {
  return propagator.extract(base, carrier, getter);
}

/** Runs `fn` in a new active span that ends when `fn` settles; a throw marks the span as an error. */
export function runInSpan<T>(
  tracer: Tracer,
  name: string,
  fn: (span: Span) => Promise<T> | T,
  attributes?: Attributes,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * `runInSpan` on the globally registered tracer provider: for library code (bus, engine) that has no
 * Telemetry injected. Without setupTelemetry it runs `fn` with a non-recording span.
 */
export function withSpan<T>(name: string, fn: (span: Span) => Promise<T> | T, attributes?: Attributes): Promise<T> {
  return runInSpan(trace.getTracer('@xreason/telemetry'), name, fn, attributes);
}
