import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiTokenFile, resolveApiToken, tokenMatches } from './api-token.js';

describe('API token', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'xreason-token-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('generates a token once into a file only its owner can read, and reuses it', () => {
    const first = resolveApiToken(undefined, stateDir);
    expect(first.source).toBe('generated');
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(apiTokenFile(stateDir)).mode & 0o777).toBe(0o600);
    expect(readFileSync(apiTokenFile(stateDir), 'utf8').trim()).toBe(first.token);
    expect(resolveApiToken(undefined, stateDir)).toEqual({ token: first.token, source: 'file' });
  });

  it('prefers the configured token and writes nothing for it', () => {
    const dir = join(stateDir, 'other');
    expect(resolveApiToken('c'.repeat(40), dir)).toEqual({ token: 'c'.repeat(40), source: 'config' });
    expect(() => statSync(apiTokenFile(dir))).toThrow();
  });

  it('matches only the exact token', () => {
    expect(tokenMatches('secret-token', 'secret-token')).toBe(true);
    expect(tokenMatches('secret-tokeN', 'secret-token')).toBe(false);
    expect(tokenMatches('secret', 'secret-token')).toBe(false);
    expect(tokenMatches(undefined, 'secret-token')).toBe(false);
  });
});
