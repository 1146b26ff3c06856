import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, passwordFileFor, type PostgresServer, startEmbeddedPostgres } from './embedded-postgres.js';
import { childPids, isRunning, makeStateDir, postmasterPid, waitUntil } from './temp-state-dir.test-helpers.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const runningAsRoot = process.getuid?.() === 0;

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

describe('startEmbeddedPostgres', () => {
  let state: Awaited<ReturnType<typeof makeStateDir>>;
  let dataDir: string;
  const logLines: string[] = [];
  let first: PostgresServer;

  beforeAll(async () => {
    state = await makeStateDir();
    dataDir = join(state.path, 'postgres');
    first = await startEmbeddedPostgres({ dataDir, onLog: (line) => logLines.push(line) });
  });

  afterAll(async () => {
    await first?.stop();
    await state?.remove();
  });

  it('initialises a cluster on first start and serves SQL at the URL it returns', async () => {
    expect(first.dataDir).toBe(dataDir);
    expect(first.url).toMatch(new RegExp(`^postgresql://postgres:[^@]+@127\\.0\\.0\\.1:${first.port}/xreason$`));
    const [row] = await query<{ db: string; v: string }>(first.url, 'SELECT current_database() AS db, version() AS v');
    expect(row?.db).toBe('xreason');
    expect(row?.v).toMatch(/^PostgreSQL 18\./);
    await expect(stat(join(dataDir, 'PG_VERSION'))).resolves.toBeTruthy();
  });

  it('keeps the generated password only in a 0600 file beside the data directory, and never logs it', async () => {
    const passwordFile = passwordFileFor(dataDir);
    expect(passwordFile).toBe(`${dataDir}.password`);
    const password = (await readFile(passwordFile, 'utf8')).trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    expect(decodeURIComponent(new URL(first.url).password)).toBe(password);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(password))).toEqual([]);
  });

  it('rejects connections that do not present the password', async () => {
    const wrong = new URL(first.url);
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it.runIf(runningAsRoot)(
    'as root, hands the data directory to the postgres user and runs the server as it',
    async () => {
      const postgresUid = postgresUser().uid;
      expect((await stat(dataDir)).uid).toBe(postgresUid);
      const status = await readFile(`/proc/${first.pid}/status`, 'utf8');
      expect(status).toMatch(new RegExp(`^Uid:\\s+${postgresUid}\\s`, 'm'));
    },
  );

  it('refuses to start a second server on a directory a live postgres serves, naming the pid and the directory', async () => {
    const attempt = startEmbeddedPostgres({ dataDir });
    await expect(attempt).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(attempt).rejects.toThrow(`${dataDir} is already in use by a running postgres (pid ${first.pid})`);
    // …and the running server is untouched.
    await expect(query(first.url, 'SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('stop() leaves no postgres process behind, and a second start reuses the data (same password, rows kept)', async () => {
    await query(first.url, 'CREATE TABLE survivors (name text)');
    await query(first.url, `INSERT INTO survivors VALUES ('before restart')`);
    const pid = await postmasterPid(dataDir);
    expect(pid).toBe(first.pid);
    const children = await childPids(pid);
    expect(children.length).toBeGreaterThan(0); // checkpointer, walwriter, …

    await first.stop();
    expect(isRunning(pid)).toBe(false);
    expect(children.filter(isRunning)).toEqual([]);
    await expect(stat(join(dataDir, 'postmaster.pid'))).rejects.toThrow(/ENOENT/);
    await first.stop(); // idempotent

    const logged: string[] = [];
    first = await startEmbeddedPostgres({ dataDir, onLog: (line) => logged.push(line) });
    expect(logged.some((line) => line.includes('initialising'))).toBe(false);
    expect(new URL(first.url).password).toBe(
      encodeURIComponent((await readFile(passwordFileFor(dataDir), 'utf8')).trim()),
    );
    await expect(query(first.url, 'SELECT name FROM survivors')).resolves.toEqual([{ name: 'before restart' }]);
  });

  it('starts normally after a crash left a stale postmaster.pid behind', async () => {
    const pid = first.pid;
    const children = await childPids(pid);
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => !isRunning(pid) && children.every((child) => !isRunning(child)));
    await expect(stat(join(dataDir, 'postmaster.pid'))).resolves.toBeTruthy();

    first = await startEmbeddedPostgres({ dataDir });
    expect(first.pid).not.toBe(pid);
    await expect(query(first.url, 'SELECT name FROM survivors')).resolves.toEqual([{ name: 'before restart' }]);
  });

  it('treats a postmaster.pid whose pid now belongs to some other program as stale', async () => {
    await first.stop();
    // A live process of the server's own user that is not a postgres: a pid reused after a crash.
    // (Postgres alone would refuse to start: it only ignores dead pids and its own ancestors.)
    const impostor = spawn('sleep', ['60'], { ...(runningAsRoot ? postgresUser() : {}), stdio: 'ignore' });
    try {
      await writeFile(join(dataDir, 'postmaster.pid'), `${impostor.pid}\n${dataDir}\n`);
      first = await startEmbeddedPostgres({ dataDir });
      await expect(query(first.url, 'SELECT count(*)::int AS n FROM survivors')).resolves.toEqual([{ n: 1 }]);
    } finally {
      impostor.kill();
    }
  });

  it('listens on the port it is given', async () => {
    await first.stop();
    const port = first.port === 55_432 ? 55_433 : 55_432;
    first = await startEmbeddedPostgres({ dataDir, port });
    expect(first.port).toBe(port);
    expect(new URL(first.url).port).toBe(String(port));
    await expect(query(first.url, 'SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('refuses a directory that is not empty yet holds no cluster, rather than initialising over it', async () => {
    const other = join(state.path, 'not-a-cluster');
    await rm(other, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(other, { recursive: true }));
    await writeFile(join(other, 'something.txt'), 'precious');
    await expect(startEmbeddedPostgres({ dataDir: other })).rejects.toThrow(
      `${other} is not empty but holds no Postgres cluster (no PG_VERSION)`,
    );
    await expect(readFile(join(other, 'something.txt'), 'utf8')).resolves.toBe('precious');
  });

  it(
    'a process that exits without calling stop() still takes its server down with it',
    { timeout: 90_000 },
    async () => {
      const orphanDir = join(state.path, 'exits-without-stop');
      const script = `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(new URL('./embedded-postgres.ts', import.meta.url).href)});
      const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(orphanDir)} });
      process.stdout.write('pid=' + server.pid + '\\n');
      process.exit(0);`;
      const output = execFileSync(
        process.execPath,
        ['--experimental-transform-types', '--no-warnings', '--input-type=module', '-e', script],
        { encoding: 'utf8' },
      );
      const pid = Number(/pid=(\d+)/.exec(output)?.[1]);
      expect(pid).toBeGreaterThan(0);
      try {
        // The behaviour pinned is that the server goes, not how fast: a shutdown checkpoint on a loaded
        // 2-core machine can take well over the helper's default 10 s.
        await waitUntil(() => !isRunning(pid), 45_000);
      } finally {
        if (isRunning(pid)) process.kill(pid, 'SIGQUIT'); // do not leave an orphan when this fails
      }
    },
  );

  it.runIf(runningAsRoot)('as root, explains which directory the postgres user cannot enter', async () => {
    const closed = await mkdtemp(join(tmpdir(), 'xreason-db-closed-')); // mode 0700, owned by root
    try {
      await expect(startEmbeddedPostgres({ dataDir: join(closed, 'state', 'postgres') })).rejects.toThrow(
        `cannot enter ${closed} (mode 700, owner uid 0)`,
      );
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });
});
