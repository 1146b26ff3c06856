/**
 * Starts the broker in a child process (tests that SIGKILL it, the benchmark that measures its CPU
 * apart from the clients'). From the sources (.ts, under Vitest) it runs src/main.ts through Node's
 * type stripping and the source hooks; from a build it runs dist/main.js.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BrokerProcessOptions {
  dataDir?: string;
  memory?: boolean;
  port?: number;
  host?: string;
  partitions?: number;
  flushIntervalMs?: number;
  /** Only warnings and errors on stderr. */
  quiet?: boolean;
  /** Called with each stderr line (JSON logs). */
  onLog?: (line: string) => void;
}

export interface BrokerProcess {
  readonly pid: number;
  readonly port: number;
  readonly bootstrapServers: string;
  /** The broker process's own CPU time so far (user + system, µs). */
  cpuUsage(): Promise<NodeJS.CpuUsage>;
  metricsText(): Promise<string>;
  /** Sends the signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function request<T>(child: ChildProcess, type: string, pick: (message: Record<string, unknown>) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (message?.type !== type) return;
      child.off('message', onMessage);
      resolve(pick(message));
    };
    child.on('message', onMessage);
    if (!child.send({ type })) reject(new Error('broker process is gone'));
  });
}

export function spawnBrokerProcess(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
  const fromSources = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(fromSources ? './main.ts' : './main.js', import.meta.url));
  const execArgv = fromSources
    ? [
        '--disable-warning=ExperimentalWarning',
        '--import',
        fileURLToPath(new URL('./dev/source-hooks.mjs', import.meta.url)),
      ]
    : [];
  const args = ['--port', String(options.port ?? 0)];
  if (options.host !== undefined) args.push('--host', options.host);
  if (options.memory) args.push('--memory');
  if (options.dataDir !== undefined) args.push('--data-dir', options.dataDir);
  if (options.partitions !== undefined) args.push('--partitions', String(options.partitions));
  if (options.flushIntervalMs !== undefined) args.push('--flush-interval-ms', String(options.flushIntervalMs));
  if (options.quiet) args.push('--quiet');

  const child = fork(main, args, { execPath: process.execPath, execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
    if (options.onLog) for (const line of text.split('\n')) if (line.length > 0) options.onLog(line);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`broker process exited (${code}) before listening: ${stderr}`));
    child.once('exit', onExit);
    child.on('message', (message: { type?: string; port?: number; bootstrapServers?: string }) => {
      if (message?.type !== 'ready') return;
      child.off('exit', onExit);
      resolve({
        pid: child.pid as number,
        port: message.port as number,
        bootstrapServers: message.bootstrapServers as string,
        cpuUsage: () => request(child, 'cpu', (m) => m.usage as NodeJS.CpuUsage),
        metricsText: () => request(child, 'metrics', (m) => m.text as string),
        async kill(signal: NodeJS.Signals = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
  });
}
