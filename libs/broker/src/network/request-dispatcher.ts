/**
 * Turns one request frame into one response frame (or none): parses the request header, checks the
 * API and version against the API table, runs the handler. Kept apart from the socket so the fuzz
 * test can drive it directly with arbitrary bytes.
 *
 * What Kafka does, and so does this: an unknown API key or an unsupported version of any API but
 * ApiVersions, or a body that does not parse, closes the connection (`RequestRejected`); an
 * ApiVersions request with a version we do not know is answered in the v0 layout with
 * UNSUPPORTED_VERSION and our version list, so the client can downgrade.
 */
import { API_TABLE, apiHandler, apiName } from '../apis/api-table.js';
import { API_VERSIONS_KEY, writeApiVersions } from '../apis/api-versions.js';
import type { BrokerContext } from '../broker-context.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ProtocolDecodeError, Reader } from '../protocol/reader.js';
import type { Writer } from '../protocol/writer.js';

export class RequestRejected extends Error {
  override name = 'RequestRejected';
}

export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

export function readRequestHeader(reader: Reader): RequestHeader {
  return {
    apiKey: reader.int16('api_key'),
    apiVersion: reader.int16('api_version'),
    correlationId: reader.int32('correlation_id'),
    clientId: reader.nullableString('client_id'),
  };
}

/** Size prefix + response header v0 (correlation id) + body chunks, ready for the socket. */
function frame(correlationId: number, body: Writer): Buffer[] {
  const chunks = body.toChunks();
  let size = 4;
  for (const chunk of chunks) size += chunk.length;
  const head = Buffer.allocUnsafe(8);
  head.writeInt32BE(size, 0);
  head.writeInt32BE(correlationId, 4);
  return [head, ...chunks];
}

export async function dispatchRequest(
  frameBody: Buffer,
  broker: BrokerContext,
  clientHost: string,
): Promise<Buffer[] | null> {
  const reader = new Reader(frameBody);
  let header: RequestHeader;
  try {
    header = readRequestHeader(reader);
  } catch (error) {
    throw new RequestRejected(`malformed request header: ${(error as Error).message}`);
  }
  const { apiKey, apiVersion, correlationId, clientId } = header;
  const handler = apiHandler(apiKey);
  const labels = { api: apiName(apiKey), version: String(apiVersion) };
  if (handler === undefined)
    throw new RequestRejected(`unsupported API ${apiName(apiKey)} (key ${apiKey}) from client ${clientId}`);
  if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
    if (apiKey === API_VERSIONS_KEY) {
      broker.metrics.requests.inc(1, labels);
      return frame(correlationId, writeApiVersions(0, ErrorCode.UNSUPPORTED_VERSION, API_TABLE));
    }
    throw new RequestRejected(
      `unsupported version ${apiVersion} of ${handler.name} (supported ${handler.minVersion}..${handler.maxVersion}) from client ${clientId}`,
    );
  }
  broker.metrics.requests.inc(1, labels);
  let body: Writer | null;
  try {
    body = await handler.handle(reader, { apiVersion, correlationId, clientId, clientHost, broker });
  } catch (error) {
    if (error instanceof ProtocolDecodeError)
      throw new RequestRejected(`malformed ${handler.name} v${apiVersion} request: ${error.message}`);
    throw error;
  }
  return body === null ? null : frame(correlationId, body);
}
