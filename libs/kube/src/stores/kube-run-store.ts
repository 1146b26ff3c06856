import { API_GROUP, API_VERSION, type AlignmentRun, type AlignmentRunStatus } from '@xreason/contracts';
import type { RunRef, RunStore, StoredRun } from '@xreason/orchestration';
import type { KubeApis } from '../kube-client.js';
import { SERVER_SIDE_APPLY, isStatus } from '../kube-client.js';
import { FIELD_MANAGER } from '../labels.js';
import { ResilientInformer } from '../runtime/resilient-informer.js';

export const ALIGNMENT_RUN_PLURAL = 'alignmentruns';

type RunObject = Omit<AlignmentRun, 'metadata'> & {
  metadata: Omit<AlignmentRun['metadata'], 'creationTimestamp'> & { deletionTimestamp?: Date; finalizers?: string[] };
};

/**
 * RunStore over AlignmentRun custom resources. Reads come from an informer's cache; writes are
 * server-side applies with the operator's one field manager — the status through the status
 * subresource (with the resourceVersion the decision was made on, so a decision taken on a stale
 * cache is refused with 409 and retried), finalizers as the manager's own set entries.
 */
export class KubeRunStore implements RunStore {
  readonly informer: ResilientInformer<RunObject>;
  private readonly listeners = new Set<(ref: RunRef) => void>();

  constructor(
    private readonly apis: KubeApis,
    /** Watch one namespace, or every namespace when undefined (ClusterRole). */
    private readonly namespace?: string,
    log?: (message: string) => void,
  ) {
    const path = namespace
      ? `/apis/${API_VERSION}/namespaces/${namespace}/${ALIGNMENT_RUN_PLURAL}`
      : `/apis/${API_VERSION}/${ALIGNMENT_RUN_PLURAL}`;
    this.informer = new ResilientInformer<RunObject>({
      kubeConfig: apis.kubeConfig,
      path,
      list: () =>
        namespace
          ? apis.custom.listNamespacedCustomObject({
              group: API_GROUP,
              version: 'v1alpha1',
              namespace,
              plural: ALIGNMENT_RUN_PLURAL,
            })
          : apis.custom.listClusterCustomObject({
              group: API_GROUP,
              version: 'v1alpha1',
              plural: ALIGNMENT_RUN_PLURAL,
            }),
      onChange: (run) => {
        const ref = { namespace: run.metadata.namespace ?? 'default', name: run.metadata.name };
        for (const l of this.listeners) l(ref);
      },
      ...(log ? { log } : {}),
    });
  }

  async get(ref: RunRef): Promise<StoredRun | undefined> {
    const run = this.informer.get(ref.name, ref.namespace);
    return run ? toStoredRun(run) : undefined;
  }

  async list(): Promise<StoredRun[]> {
    return this.informer.list(this.namespace).map(toStoredRun);
  }

  async writeStatus(run: StoredRun, status: AlignmentRunStatus): Promise<void> {
    const cached = this.informer.get(run.ref.name, run.ref.namespace);
    await this.apis.custom.patchNamespacedCustomObjectStatus(
      {
        ...this.coordinates(run.ref),
        body: {
          apiVersion: API_VERSION,
          kind: 'AlignmentRun',
          metadata: {
            name: run.ref.name,
            namespace: run.ref.namespace,
            ...(cached?.metadata.resourceVersion ? { resourceVersion: cached.metadata.resourceVersion } : {}),
          },
          status,
        },
        fieldManager: FIELD_MANAGER,
        force: true,
      },
      SERVER_SIDE_APPLY,
    );
  }

  async addFinalizer(run: StoredRun, finalizer: string): Promise<void> {
    await this.applyFinalizers(run, [...new Set([...this.ownFinalizers(run), finalizer])]);
  }

  async removeFinalizer(run: StoredRun, finalizer: string): Promise<void> {
    try {
      await this.applyFinalizers(
        run,
        this.ownFinalizers(run).filter((f) => f !== finalizer),
      );
    } catch (error) {
      if (!isStatus(error, 404)) throw error; // already released and gone
    }
  }

  subscribe(listener: (ref: RunRef) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The operator manages only xreason.io finalizers; other controllers' entries are theirs. */
  private ownFinalizers(run: StoredRun): string[] {
    return run.finalizers.filter((f) => f.startsWith(`${API_GROUP}/`));
  }

  /**
   * Applies the operator's finalizers with the cached resourceVersion as a precondition: an apply is an
   * upsert, and without the precondition a decision made on a stale cache (the run is already gone)
   * would re-create the run as an empty shell.
   */
  private async applyFinalizers(run: StoredRun, finalizers: string[]): Promise<void> {
    const resourceVersion = this.informer.get(run.ref.name, run.ref.namespace)?.metadata.resourceVersion;
    if (!resourceVersion) return; // the run is gone from the cache: deleted, nothing to hold or release
    await this.apis.custom.patchNamespacedCustomObject(
      {
        ...this.coordinates(run.ref),
        body: {
          apiVersion: API_VERSION,
          kind: 'AlignmentRun',
          metadata: { name: run.ref.name, namespace: run.ref.namespace, finalizers, resourceVersion },
        },
        fieldManager: FIELD_MANAGER,
      },
      SERVER_SIDE_APPLY,
    );
  }

  private coordinates(ref: RunRef) {
    return {
      group: API_GROUP,
      version: 'v1alpha1',
      namespace: ref.namespace,
      plural: ALIGNMENT_RUN_PLURAL,
      name: ref.name,
    };
  }
}

function toStoredRun(run: RunObject): StoredRun {
  return {
    ref: { namespace: run.metadata.namespace ?? 'default', name: run.metadata.name },
    uid: run.metadata.uid ?? '',
    generation: run.metadata.generation ?? 0,
    deleting: Boolean(run.metadata.deletionTimestamp),
    finalizers: run.metadata.finalizers ?? [],
    spec: run.spec,
    ...(run.status ? { status: run.status } : {}),
  };
}
