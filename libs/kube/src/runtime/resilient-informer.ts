import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';

export interface ResilientInformerOptions<T extends KubernetesObject> {
  readonly kubeConfig: KubeConfig;
  /** Watch path, e.g. `/apis/batch/v1/jobs` or `/apis/batch/v1/namespaces/ml/jobs`. */
  readonly path: string;
  readonly list: () => Promise<KubernetesListObject<T>>;
  readonly labelSelector?: string;
  /** Called for every add, update and delete (the object as last seen). */
  readonly onChange: (object: T) => void;
  /** First restart delay after a watch error; doubled per consecutive error. */
  readonly restartDelayMs?: number;
  readonly maxRestartDelayMs?: number;
  readonly log?: (message: string) => void;
}

/**
 * A client-node informer that does not stay dead: client-node's ListWatch handles a closed watch and a
 * 410 Gone (it relists), but after any other error (API server down, 403, a reset connection) it emits
 * `error` and stops for good. The watchdog here restarts it with exponential backoff, forever, and
 * never exits the process.
 */
export class ResilientInformer<T extends KubernetesObject> {
  private readonly informer;
  private restartDelay: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private synced = false;
  /** How many times the watchdog restarted the informer (exposed as a metric by the operator). */
  restarts = 0;

  constructor(private readonly options: ResilientInformerOptions<T>) {
    this.restartDelay = options.restartDelayMs ?? 500;
    this.informer = makeInformer<T>(options.kubeConfig, options.path, options.list, options.labelSelector);
    this.informer.on('add', options.onChange);
    this.informer.on('update', options.onChange);
    this.informer.on('delete', options.onChange);
    this.informer.on('connect', () => {
      this.synced = true;
    });
    this.informer.on('error', (error: unknown) => this.scheduleRestart(error));
  }

  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.informer.start();
      this.restartDelay = this.options.restartDelayMs ?? 500;
    } catch (error) {
      this.scheduleRestart(error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace);
  }

  list(namespace?: string): readonly T[] {
    return this.informer.list(namespace);
  }

  private scheduleRestart(error: unknown): void {
    if (this.stopped || this.restartTimer) return;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.options.maxRestartDelayMs ?? 30_000, delay * 2);
    this.options.log?.(`watch ${this.options.path} failed (${describe(error)}); restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopped) return;
      this.restarts++;
      void this.start();
    }, delay);
    this.restartTimer.unref();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
