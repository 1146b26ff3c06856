import {
  BadRequestException,
  Body,
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
import { InvalidScheduleError } from '@xreason/orchestration';
import { ApiTokenGuard } from '../api/api-token.guard.js';
import { parseManifestBody } from '../api/manifest-body.js';
import { ORCHESTRATOR, type Orchestrator, type ScheduleView, UnsupportedInModeError } from '../runs/orchestrator.js';

/**
 * EvalSchedules over REST (local mode; a cluster has kubectl): apply (create or update the spec),
 * list, inspect with the latest nights, delete (a running night is stopped). Manifests in YAML or
 * JSON, validated with the CRD's schema, and the cron expression and time zone checked on top.
 */
@Controller('api/v1/evalschedules')
@UseGuards(ApiTokenGuard)
export class EvalSchedulesController {
  constructor(@Inject(ORCHESTRATOR) private readonly orchestrator: Orchestrator) {}

  @Post()
  @HttpCode(200)
  async apply(@Body() body: unknown) {
    const resources = parseManifestBody(body, 'EvalSchedule');
    const results = [];
    for (const resource of resources) {
      const { schedule, action } = await this.call(() => this.orchestrator.applySchedule(resource));
      results.push({
        name: schedule.ref.name,
        namespace: schedule.ref.namespace,
        action,
        generation: schedule.generation,
      });
    }
    return { results };
  }

  @Get()
  async list() {
    return { items: (await this.call(() => this.orchestrator.listSchedules())).map(summary) };
  }

  @Get(':name')
  async get(@Param('name') name: string, @Query('namespace') namespace?: string) {
    const ref = { namespace: namespace || 'default', name };
    const view = await this.call(() => this.orchestrator.getSchedule(ref));
    if (!view) throw new NotFoundException({ message: `evalschedule ${name} not found` });
    return resourceView(view);
  }

  @Delete(':name')
  async delete(@Param('name') name: string, @Query('namespace') namespace?: string) {
    const ref = { namespace: namespace || 'default', name };
    const outcome = await this.call(() => this.orchestrator.deleteSchedule(ref));
    if (outcome === 'not-found') throw new NotFoundException({ message: `evalschedule ${name} not found` });
    return { name, namespace: ref.namespace, outcome };
  }

  private async call<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof InvalidScheduleError)
        throw new BadRequestException({
          message: `EvalSchedule: ${error.message}`,
          problems: [{ path: error.path, message: error.message.slice(error.path.length + 2) }],
        });
      if (error instanceof UnsupportedInModeError) throw new NotImplementedException({ message: error.message });
      throw error;
    }
  }
}

function summary({ schedule, nights }: ScheduleView) {
  const last = nights[0];
  const status = schedule.status;
  return {
    name: schedule.ref.name,
    namespace: schedule.ref.namespace,
    schedule: schedule.spec.schedule,
    timeZone: schedule.spec.timeZone ?? 'UTC',
    suspend: schedule.spec.suspend === true,
    models: schedule.spec.models.map((m) => m.name),
    suites: schedule.spec.evaluation.suites,
    active: last?.phase === 'Running',
    ...(status?.lastScheduleTime ? { lastScheduleTime: status.lastScheduleTime } : {}),
    ...(status?.lastSuccessfulTime ? { lastSuccessfulTime: status.lastSuccessfulTime } : {}),
    ...(last ? { lastNight: { night: last.night, phase: last.phase, regressions: last.regressions } } : {}),
    createdAt: schedule.createdAt,
  };
}

function resourceView({ schedule, nights }: ScheduleView) {
  return {
    apiVersion: API_VERSION,
    kind: 'EvalSchedule',
    metadata: {
      name: schedule.ref.name,
      namespace: schedule.ref.namespace,
      uid: schedule.uid,
      generation: schedule.generation,
      creationTimestamp: schedule.createdAt,
    },
    spec: schedule.spec,
    ...(schedule.status ? { status: schedule.status } : {}),
    /** The latest firings (CronJob → Jobs), newest first, each with what its night found. */
    nights,
  };
}
