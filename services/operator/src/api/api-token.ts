import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where local mode keeps the API token for the CLI to read: beside the other local state, mode 0600. */
export function apiTokenFile(stateDir: string): string {
  return join(stateDir, 'api-token');
}

/**
 * The token the REST API requires: the configured one (XREASON_API_TOKEN, from a Secret in a cluster),
 * or in local mode one generated once and kept in `<stateDir>/api-token` so the CLI can present it.
 */
export function resolveApiToken(
  configured: string | undefined,
  stateDir: string,
): { token: string; source: 'config' | 'file' | 'generated' } {
  if (configured) return { token: configured, source: 'config' };
  const file = apiTokenFile(stateDir);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 32) return { token, source: 'file' };
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, source: 'generated' };
}

/** Constant-time comparison of a presented bearer token with the expected one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
