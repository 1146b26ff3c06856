import { randomBytes } from 'node:crypto';
import { API_VERSION } from '@xreason/contracts';
import type { EventSink, RunRef } from '@xreason/orchestration';
import type { KubeApis } from '../kube-client.js';
import { FIELD_MANAGER } from '../labels.js';

/**
 * Kubernetes Events on AlignmentRuns (`kubectl describe arun` shows them). Best effort: an event that
 * cannot be written is logged and dropped, never a reason to fail a reconcile.
 */
export class KubeEventSink implements EventSink {
  constructor(
    private readonly apis: KubeApis,
    private readonly uidOf: (ref: RunRef) => string | undefined,
    private readonly instance: string,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async record(run: RunRef, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const now = new Date();
    try {
      await this.apis.core.createNamespacedEvent({
        namespace: run.namespace,
        body: {
          metadata: { name: `${run.name}.${randomBytes(8).toString('hex')}`, namespace: run.namespace },
          involvedObject: {
            apiVersion: API_VERSION,
            kind: 'AlignmentRun',
            name: run.name,
            namespace: run.namespace,
            uid: this.uidOf(run) ?? '',
          },
          type,
          reason,
          message,
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: FIELD_MANAGER },
          reportingComponent: `xreason.io/${FIELD_MANAGER}`,
          reportingInstance: this.instance,
        },
      });
    } catch (error) {
      this.log(
        `event ${reason} on ${run.namespace}/${run.name} not recorded: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
