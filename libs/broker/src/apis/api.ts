/**
 * The shape every API module has: its key, the versions it implements, and a handler that decodes
 * the request body and writes the response body. One table (api-table.ts) lists them; both request
 * dispatch and the ApiVersions answer read that table, so the two cannot drift apart.
 */
import type { Reader } from '../protocol/reader.js';
import type { Writer } from '../protocol/writer.js';
import type { BrokerContext } from '../broker-context.js';

export interface RequestContext {
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly clientHost: string;
  readonly broker: BrokerContext;
}

/** null: the request gets no response (Produce with acks=0). */
export type HandlerResult = Writer | null;

export interface ApiHandler {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: Reader, context: RequestContext): HandlerResult | Promise<HandlerResult>;
}
