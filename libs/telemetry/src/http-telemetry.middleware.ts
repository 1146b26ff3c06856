import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { Counter, Histogram } from 'prom-client';
import { Telemetry } from './telemetry.js';
import { extractTraceContext } from './trace-context.js';

/** The route label of requests no route matched: raw URLs would give every scanner its own series. */
export const UNMATCHED_ROUTE = '(unmatched)';

type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string; originalUrl?: string };

/**
 * The route template (`/runs/:id`), known only after routing — so it is read when the response ends.
 * Express registers this middleware as a catch-all route of its own, so a `req.route` still equal to
 * the one seen on entry means no handler matched.
 */
function routeOf(req: RoutedRequest, routeOnEntry: unknown): string {
  const path = req.route === routeOnEntry ? undefined : req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` || '/' : UNMATCHED_ROUTE;
}

/**
 * One server span per HTTP request (continuing a W3C `traceparent` if the caller sent one), active
 * while the handler runs, named and labelled with the route and status once the response ends; and
 * `http_requests_total` / `http_request_duration_seconds` by method, route and status. Middleware
 * rather than an interceptor so 404s and requests refused by guards are counted too.
 */
@Injectable()
export class HttpTelemetryMiddleware implements NestMiddleware {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(private readonly telemetry: Telemetry) {
    this.requests = telemetry.metrics.counter({
      name: 'http_requests_total',
      help: 'HTTP requests served, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
    });
    this.duration = telemetry.metrics.histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration until the response ended, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
    });
  }

  use(req: RoutedRequest, res: ServerResponse, next: (error?: unknown) => void): void {
    const method = req.method ?? 'GET';
    const path = (req.originalUrl ?? req.url ?? '/').split('?')[0] ?? '/';
    const parent = extractTraceContext(req.headers);
    const span = this.telemetry.tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: path } },
      parent,
    );
    const routeOnEntry = req.route;
    const stopTimer = this.duration.startTimer();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeOf(req, routeOnEntry);
      // A client that hung up before the response finished gets no status of ours; 499 is nginx's name for it.
      const status = res.writableFinished ? res.statusCode : 499;
      const labels = { method, route, status: String(status) };
      this.requests.inc(labels);
      stopTimer(labels);
      span.updateName(`${method} ${route}`);
      span.setAttributes({ [ATTR_HTTP_ROUTE]: route, [ATTR_HTTP_RESPONSE_STATUS_CODE]: status });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(trace.setSpan(parent, span), () => next());
  }
}
