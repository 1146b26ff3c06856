import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built entry point of a service in this checkout (`services/<name>/dist/main.js`). */
export function serviceEntry(name: string): string {
  const servicesDir =
    process.env.XREASON_SERVICES_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../services');
  const entry = join(servicesDir, name, 'dist/main.js');
  if (!existsSync(entry))
    throw new Error(`service "${name}" is not built: ${entry} is missing (run "npx nx build @xreason/${name}")`);
  return entry;
}

export interface ServiceProcessOptions {
  name: string;
  entry: string;
  env: Record<string, string>;
  logFile: string;
}

/**
 * A service run as a child process on the same Node.js binary, its output appended to a log file.
 * The local platform's stand-in for a Deployment.
 */
export class ServiceProcess {
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolveExit();
      });
    });
  }

  static start(options: ServiceProcessOptions): ServiceProcess {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['--enable-source-maps', options.entry], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => log.end());
    return new ServiceProcess(options.name, child, options.logFile);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  describeExit(): string {
    if (!this.exitInfo) return 'running';
    return this.exitInfo.signal ? `killed by ${this.exitInfo.signal}` : `exited with code ${this.exitInfo.code}`;
  }

  /** The last lines of the service's log, for error messages. */
  tail(lines = 20): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM, then SIGKILL after the grace period: what a kubelet does. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  waitForExit(): Promise<void> {
    return this.exited;
  }
}
