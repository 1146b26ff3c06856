/** ApiVersions v0–2: the versions each implemented API accepts, read from the one API table. */
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './api.js';

export const API_VERSIONS_KEY = 18;

export interface ApiVersionRange {
  readonly key: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * The body of an ApiVersions response. Also sent, in the v0 layout, when a client asks for an
 * ApiVersions version above ours: Kafka answers UNSUPPORTED_VERSION with the list so the client can
 * retry with a version both sides know.
 */
export function writeApiVersions(version: number, errorCode: number, apis: readonly ApiVersionRange[]): Writer {
  const out = new Writer();
  out.int16(errorCode);
  out.array(apis, (w, api) => w.int16(api.key).int16(api.minVersion).int16(api.maxVersion));
  if (version >= 1) out.int32(0);
  return out;
}

export function apiVersionsHandler(apis: () => readonly ApiVersionRange[]): ApiHandler {
  return {
    key: API_VERSIONS_KEY,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 2,
    handle: (_request, { apiVersion }) => writeApiVersions(apiVersion, ErrorCode.NONE, apis()),
  };
}
