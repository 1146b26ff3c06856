import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { isStatus } from '../kube-client.js';

export interface LeaderElectionOptions {
  readonly api: CoordinationV1Api;
  readonly namespace: string;
  readonly name: string;
  /** Unique per replica (the pod name). */
  readonly identity: string;
  /** How long a lease is valid after its last renewal; another replica takes over after it. */
  readonly leaseDurationMs?: number;
  /** The leader gives up leadership when it has not renewed for this long. */
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  readonly onStartedLeading: () => void | Promise<void>;
  readonly onStoppedLeading: () => void | Promise<void>;
  readonly clock?: () => number;
  readonly log?: (message: string) => void;
}

/**
 * Leader election on a coordination.k8s.io Lease (client-go's algorithm): acquire or renew by replacing
 * the Lease with its resourceVersion as a precondition, so of two replicas racing exactly one wins (the
 * other gets 409 Conflict); take over a Lease only when its holder has not renewed within its duration.
 */
export class LeaderElector {
  private leading = false;
  private lastRenewal = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly clock: () => number;

  constructor(private readonly options: LeaderElectionOptions) {
    this.clock = options.clock ?? Date.now;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.running = true;
    void this.tick();
  }

  /** Stops campaigning; a leader releases the Lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.leading) {
      await this.release().catch(() => undefined);
      await this.setLeading(false);
    }
  }

  /** One acquire-or-renew attempt; true when this replica holds the Lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { api, namespace, name, identity } = this.options;
    const now = new Date(this.clock());
    const durationSeconds = Math.ceil((this.options.leaseDurationMs ?? 15_000) / 1000);
    let lease: V1Lease;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
      try {
        await api.createNamespacedLease({
          namespace,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: durationSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (createError) {
        if (isStatus(createError, 409)) return false;
        throw createError;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const expired = renewed + (spec.leaseDurationSeconds ?? durationSeconds) * 1000 < now.getTime();
    if (holder !== '' && holder !== identity && !expired) return false;
    const takingOver = holder !== identity;
    try {
      await api.replaceNamespacedLease({
        name,
        namespace,
        body: {
          ...lease,
          spec: {
            ...spec,
            holderIdentity: identity,
            leaseDurationSeconds: durationSeconds,
            renewTime: now,
            ...(takingOver ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
          },
        },
      });
      return true;
    } catch (error) {
      if (isStatus(error, 409)) return false;
      throw error;
    }
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    try {
      const held = await this.tryAcquireOrRenew();
      if (held) this.lastRenewal = this.clock();
      if (held && !this.leading) await this.setLeading(true);
      if (!held && this.leading) await this.setLeading(false);
    } catch (error) {
      this.options.log?.(
        `lease ${this.options.namespace}/${this.options.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (this.leading && this.clock() - this.lastRenewal > (this.options.renewDeadlineMs ?? 10_000))
        await this.setLeading(false);
    }
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), this.options.retryPeriodMs ?? 2_000);
    this.timer.unref();
  }

  private async setLeading(leading: boolean): Promise<void> {
    this.leading = leading;
    this.options.log?.(`${this.options.identity} ${leading ? 'became' : 'is no longer'} the leader`);
    if (!leading) return void (await this.options.onStoppedLeading());
    // Leading runs beside the renewal loop (client-go starts OnStartedLeading in its own goroutine):
    // awaiting it here would stop renewals while informers sync.
    void Promise.resolve()
      .then(() => this.options.onStartedLeading())
      .catch((error: unknown) =>
        this.options.log?.(`starting to lead failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  }

  private async release(): Promise<void> {
    const { api, namespace, name, identity } = this.options;
    const lease = await api.readNamespacedLease({ name, namespace });
    if (lease.spec?.holderIdentity !== identity) return;
    await api.replaceNamespacedLease({
      name,
      namespace,
      body: { ...lease, spec: { ...lease.spec, holderIdentity: '' } },
    });
  }
}
