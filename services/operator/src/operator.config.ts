import { Type } from '@sinclair/typebox';
import {
  type ConfigOf,
  DatabaseConfig,
  HttpConfig,
  StateDirConfig,
  TelemetryConfig,
  defineConfig,
} from '@xreason/config';

/** The operator's whole configuration: environment variables, optionally a file (XREASON_CONFIG_FILE). */
export const OperatorConfigSchema = defineConfig(
  Type.Object({
    http: HttpConfig,
    database: DatabaseConfig,
    telemetry: TelemetryConfig,
    stateDir: StateDirConfig,
    api: Type.Object(
      {
        token: Type.Optional(
          Type.String({
            env: 'XREASON_API_TOKEN',
            secret: true,
            minLength: 32,
            description: 'bearer token the REST API requires; absent means generate one into <stateDir>/api-token',
          }),
        ),
      },
      { description: 'the REST API' },
    ),
    shutdownGraceMs: Type.Integer({
      env: 'XREASON_SHUTDOWN_GRACE_MS',
      default: 10_000,
      minimum: 0,
      description: 'how long in-flight requests may take after SIGTERM',
    }),
  }),
);

export type OperatorConfig = ConfigOf<typeof OperatorConfigSchema>;
