import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@xreason/config';
import { DbHealthIndicator, DbModule } from '@xreason/db';
import { type Telemetry, TelemetryModule } from '@xreason/telemetry';
import { API_TOKEN, ApiTokenGuard } from './api/api-token.guard.js';
import { resolveApiToken } from './api/api-token.js';
import { InfoController } from './api/info.controller.js';
import { HealthController } from './health/health.controller.js';
import { READINESS_CHECKS, type ReadinessCheck } from './health/readiness.js';
import { type OperatorConfig, OperatorConfigSchema } from './operator.config.js';

export interface OperatorAppOptions {
  config: OperatorConfig;
  telemetry: Telemetry;
}

@Module({})
export class OperatorModule {
  static forRoot({ config, telemetry }: OperatorAppOptions): DynamicModule {
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
      controllers: [HealthController, InfoController],
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
          provide: READINESS_CHECKS,
          inject: [DbHealthIndicator],
          useFactory: (db: DbHealthIndicator): ReadinessCheck[] => [{ name: 'database', check: () => db.check() }],
        },
      ],
    };
  }
}
