import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/**
 * W3C trace context in Kafka headers, the way @opentelemetry/instrumentation-kafkajs carries it
 * (`traceparent`/`tracestate` through the globally registered propagator), so spans join across a
 * produce → consume hop whichever side is instrumented.
 */
const setter: TextMapSetter<IHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const getter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

export function injectTraceHeaders(headers: IHeaders, from: Context = context.active()): IHeaders {
  propagation.inject(from, headers, setter);
  return headers;
}

export function extractTraceContext(headers: IHeaders | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, getter) : ROOT_CONTEXT;
}

export function headerText(headers: IHeaders | undefined, key: string): string | undefined {
  return headers ? (getter.get(headers, key) as string | undefined) : undefined;
}
