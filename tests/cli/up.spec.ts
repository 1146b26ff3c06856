import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xreason } from './run-cli.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

describe('xreason up', () => {
  // World-searchable: as root, embedded Postgres runs as the postgres user, who must reach its data dir.
  const stateDir = mkdtempSync(join(tmpdir(), 'xreason-up-'));
  chmodSync(stateDir, 0o755);
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('starts embedded Postgres, the broker and the operator, reports all healthy, and leaves no process behind', async () => {
    const run = await xreason([
      'up',
      '--state-dir',
      stateDir,
      '--port',
      '0',
      '--broker-port',
      '0',
      '--json',
      '--exit-when-healthy',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const health = JSON.parse(run.stdout);
    expect(health.healthy).toBe(true);
    expect(health.database.mode).toBe('embedded');
    expect(health.database.url).not.toMatch(/:[^:@/]+@/); // the password is redacted
    expect(health.operator.readyz.body.checks.database.ok).toBe(true);
    expect(health.broker.ok).toBe(true);
    expect(health.broker.bootstrapServers).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(isAlive(health.operator.pid)).toBe(false);
    // postmaster.pid is removed on a clean shutdown; if it is left behind, its process must be gone.
    let pgPid: number | undefined;
    try {
      pgPid = postmasterPid(health.database.dataDir);
    } catch {
      pgPid = undefined;
    }
    if (pgPid !== undefined) expect(isAlive(pgPid)).toBe(false);
  }, 180_000);

  it('reuses the data directory on the next start', async () => {
    const run = await xreason([
      'up',
      '--state-dir',
      stateDir,
      '--port',
      '0',
      '--broker-port',
      '0',
      '--json',
      '--exit-when-healthy',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).healthy).toBe(true);
    expect(run.stderr).toBe('');
  }, 180_000);

  it('refuses a bad operator configuration with one error naming every bad field', async () => {
    const run = await xreason(
      ['up', '--state-dir', stateDir, '--port', '0', '--broker-port', '0', '--exit-when-healthy'],
      {
        XREASON_LOG_LEVEL: 'loud',
        XREASON_SHUTDOWN_GRACE_MS: 'soon',
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/operator exited with code 1/);
    expect(run.stderr).toMatch(/\/telemetry\/logLevel[\s\S]*XREASON_LOG_LEVEL/);
    expect(run.stderr).toMatch(/\/shutdownGraceMs[\s\S]*XREASON_SHUTDOWN_GRACE_MS/);
  }, 180_000);
});
