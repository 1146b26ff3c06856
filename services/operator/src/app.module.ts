import { type DynamicModule, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { ConfigModule } from '@xreason/config';
import { DB_DATABASE, type Database, DbHealthIndicator, DbModule } from '@xreason/db';
import {
  HealthController,
  READINESS_CHECKS,
  type ReadinessCheck,
  type Telemetry,
  TelemetryModule,
} from '@xreason/telemetry';
import { API_TOKEN, ApiTokenGuard } from './api/api-token.guard.js';
import { resolveApiToken } from './api/api-token.js';
import { InfoController } from './api/info.controller.js';
import { type OperatorConfig, OperatorConfigSchema } from './operator.config.js';
import { ClusterOrchestrator } from './runs/cluster-orchestrator.js';
import { LocalOrchestrator } from './runs/local-orchestrator.js';
import { ORCHESTRATOR, type Orchestrator } from './runs/orchestrator.js';
import { RunsController } from './runs/runs.controller.js';
import { EvalSchedulesController } from './schedules/eval-schedules.controller.js';

/**
 * Stops the control loop before the database closes (Nest destroys modules before it shuts the
 * application down). Starting is main.ts's job, once the HTTP server listens.
 */
@Injectable()
export class OrchestratorLifecycle implements OnModuleDestroy {
  constructor(@Inject(ORCHESTRATOR) private readonly orchestrator: Orchestrator) {}

  async onModuleDestroy(): Promise<void> {
    await this.orchestrator.stop();
  }
}

export interface OperatorAppOptions {
  config: OperatorConfig;
  telemetry: Telemetry;
  /** Local mode's clock for the schedule runner (tests move it); the wall clock otherwise. */
  clock?: () => Date;
}

@Module({})
export class OperatorModule {
  static forRoot({ config, telemetry, clock }: OperatorAppOptions): DynamicModule {
    return {
      module: OperatorModule,
      imports: [
        ConfigModule.forValue(OperatorConfigSchema, config),
        TelemetryModule.forRoot({ telemetry, metrics: config.telemetry.metrics }),
        // Embedded Postgres under the state dir unless DATABASE_URL is set; migrations applied at start.
        DbModule.forRoot({
          databaseUrl: config.database.url,
          stateDir: config.stateDir,
          logger: {
            log: (message) => telemetry.logger.info({ component: 'db' }, message),
            warn: (message) => telemetry.logger.warn({ component: 'db' }, message),
            debug: (message) => telemetry.logger.debug({ component: 'db' }, message),
          },
        }),
      ],
      controllers: [HealthController, InfoController, RunsController, EvalSchedulesController],
      providers: [
        {
          provide: API_TOKEN,
          useFactory: () => {
            const { token, source } = resolveApiToken(config.api.token, config.stateDir);
            if (source === 'generated')
              telemetry.logger.info({ file: `${config.stateDir}/api-token` }, 'generated an API token');
            return token;
          },
        },
        ApiTokenGuard,
        {
          provide: ORCHESTRATOR,
          inject: [DB_DATABASE],
          useFactory: (database: Database): Orchestrator => {
            const log = (message: string) => telemetry.logger.info({ component: 'control-loop' }, message);
            return config.mode === 'cluster'
              ? new ClusterOrchestrator(config, log)
              : new LocalOrchestrator(database.dataSource, config, database.url, log, clock ? { clock } : {});
          },
        },
        OrchestratorLifecycle,
        {
          provide: READINESS_CHECKS,
          inject: [DbHealthIndicator],
          useFactory: (db: DbHealthIndicator): ReadinessCheck[] => [{ name: 'database', check: () => db.check() }],
        },
      ],
    };
  }
}
