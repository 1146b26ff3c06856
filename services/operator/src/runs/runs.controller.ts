import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  NotImplementedException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { API_VERSION } from '@xreason/contracts';
import { RunConflictError, type RunRef } from '@xreason/orchestration';
import { ApiTokenGuard } from '../api/api-token.guard.js';
import { parseManifestBody } from '../api/manifest-body.js';
import { ORCHESTRATOR, type Orchestrator, type RunView, UnsupportedInModeError } from './orchestrator.js';

export { MANIFEST_CONTENT_TYPES } from '../api/manifest-body.js';

/**
 * Runs over REST: submit (`kubectl apply`-style: create or update the spec), list, inspect, delete and
 * read stage logs. Bodies are manifests in YAML or JSON, validated with the same schema as the CRD.
 */
@Controller('api/v1/runs')
@UseGuards(ApiTokenGuard)
export class RunsController {
  constructor(@Inject(ORCHESTRATOR) private readonly orchestrator: Orchestrator) {}

  @Post()
  @HttpCode(200)
  async apply(@Body() body: unknown) {
    const resources = parseManifestBody(body, 'AlignmentRun');
    const results = [];
    for (const resource of resources) {
      const { run, action } = await this.call(() => this.orchestrator.apply(resource));
      results.push({ name: run.ref.name, namespace: run.ref.namespace, action, generation: run.generation });
    }
    return { results };
  }

  @Get()
  async list() {
    const runs = await this.orchestrator.list();
    return { items: runs.map(summary) };
  }

  @Get(':name')
  async get(@Param('name') name: string, @Query('namespace') namespace?: string) {
    return resourceView(await this.require({ namespace: namespace || 'default', name }));
  }

  @Delete(':name')
  async delete(@Param('name') name: string, @Query('namespace') namespace?: string) {
    const ref = { namespace: namespace || 'default', name };
    const outcome = await this.call(() => this.orchestrator.delete(ref));
    if (outcome === 'not-found') throw new NotFoundException({ message: `run ${name} not found` });
    return { name, namespace: ref.namespace, outcome };
  }

  @Get(':name/logs')
  async logs(@Param('name') name: string, @Query('stage') stage?: string, @Query('namespace') namespace?: string) {
    const run = await this.require({ namespace: namespace || 'default', name });
    if (stage) {
      const known = (run.status?.stages ?? []).map((s) => s.name);
      if (known.length > 0 && !known.includes(stage))
        throw new NotFoundException({ message: `run ${name} has no stage ${stage}; its stages: ${known.join(', ')}` });
    }
    const logs = await this.call(() => this.orchestrator.logs(run, stage || undefined));
    if (stage && logs.length === 0)
      throw new NotFoundException({ message: `stage ${stage} of run ${name} has not started yet` });
    return { name, logs };
  }

  private async require(ref: RunRef): Promise<RunView> {
    const run = await this.orchestrator.get(ref);
    if (!run) throw new NotFoundException({ message: `run ${ref.name} not found` });
    return run;
  }

  private async call<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof RunConflictError) throw new ConflictException({ message: error.message });
      if (error instanceof UnsupportedInModeError) throw new NotImplementedException({ message: error.message });
      throw error;
    }
  }
}

function summary(run: RunView) {
  const stages = run.status?.stages ?? [];
  return {
    name: run.ref.name,
    namespace: run.ref.namespace,
    recipe: run.spec.recipe,
    phase: run.deleting ? 'Deleting' : (run.status?.phase ?? 'Pending'),
    stagesSucceeded: stages.filter((s) => s.phase === 'Succeeded').length,
    stages: stages.length,
    generation: run.generation,
    observedGeneration: run.status?.observedGeneration ?? 0,
    ...(run.createdAt ? { createdAt: run.createdAt } : {}),
  };
}

function resourceView(run: RunView) {
  return {
    apiVersion: API_VERSION,
    kind: 'AlignmentRun',
    metadata: {
      name: run.ref.name,
      namespace: run.ref.namespace,
      uid: run.uid,
      generation: run.generation,
      finalizers: run.finalizers,
      ...(run.deleting ? { deletionRequested: true } : {}),
      ...(run.createdAt ? { creationTimestamp: run.createdAt } : {}),
    },
    spec: run.spec,
    ...(run.status ? { status: run.status } : {}),
  };
}
