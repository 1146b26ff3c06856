import { ArtifactEntity, RunEntity, StageEntity, type ArtifactKind } from '@xreason/db';
import type { DataSource } from 'typeorm';
import { contentHash } from './stage-outputs.js';

/** An output a stage registers in the artifact catalogue. */
export interface StageArtifact {
  /** The output's name in outputs.json (e.g. `adapter`). */
  name: string;
  kind: ArtifactKind;
  path: string;
}

export interface RegisteredArtifact extends StageArtifact {
  contentHash: string;
  sizeBytes: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records artifacts in Postgres (`artifacts`), identified by content hash. The row links to the run
 * and stage when the operator's RunStore holds them (local mode); otherwise (a cluster, where runs are
 * custom resources, or a hand-started worker) the links stay null and metadata names them.
 */
export class ArtifactRegistry {
  #links: Promise<{ runId: string | null; stageId: string | null }> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly owner: { runUid: string; run: string; namespace: string; stage: string; attempt: number },
  ) {}

  /** The run's row id when the runs table holds the run's uid (also used for eval_runs.run_id). */
  async runId(): Promise<string | null> {
    return (await this.links()).runId;
  }

  async register(artifacts: readonly StageArtifact[]): Promise<RegisteredArtifact[]> {
    const { runId, stageId } = await this.links();
    const repository = this.dataSource.getRepository(ArtifactEntity);
    const registered: RegisteredArtifact[] = [];
    for (const artifact of artifacts) {
      const { hash, sizeBytes } = await contentHash(artifact.path);
      // A retried stage registers the same content once.
      const existing = await repository.findOneBy({ uri: artifact.path, contentHash: hash });
      if (!existing) {
        await repository.insert({
          runId,
          stageId,
          kind: artifact.kind,
          uri: artifact.path,
          contentHash: hash,
          sizeBytes,
          metadata: {
            output: artifact.name,
            run: this.owner.run,
            namespace: this.owner.namespace,
            stage: this.owner.stage,
            attempt: this.owner.attempt,
          },
        });
      }
      registered.push({ ...artifact, contentHash: hash, sizeBytes });
    }
    return registered;
  }

  private links(): Promise<{ runId: string | null; stageId: string | null }> {
    return (this.#links ??= (async () => {
      if (!UUID.test(this.owner.runUid)) return { runId: null, stageId: null };
      const run = await this.dataSource.getRepository(RunEntity).findOneBy({ id: this.owner.runUid });
      if (!run) return { runId: null, stageId: null };
      const stage = await this.dataSource
        .getRepository(StageEntity)
        .findOneBy({ runId: run.id, name: this.owner.stage });
      return { runId: run.id, stageId: stage?.id ?? null };
    })());
  }
}
