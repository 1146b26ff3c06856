import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';

/**
 * Pieces every service composes into its own schema, so the same setting has the same variable
 * everywhere. Variable names follow ecosystem conventions where one exists (PORT, DATABASE_URL,
 * OTEL_EXPORTER_OTLP_ENDPOINT) and `XREASON_<AREA>_<FIELD>` otherwise.
 */

export const HttpConfig = Type.Object(
  {
    host: Type.String({
      env: 'XREASON_HTTP_HOST',
      default: '0.0.0.0',
      minLength: 1,
      description: 'interface to listen on',
    }),
    port: Type.Integer({
      env: 'PORT',
      default: 8080,
      minimum: 0,
      maximum: 65535,
      description: 'TCP port; 0 picks a free one',
    }),
  },
  { description: 'the HTTP server' },
);

export const DatabaseConfig = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        env: 'DATABASE_URL',
        secret: true,
        pattern: '^postgres(ql)?://',
        description: 'Postgres connection URL; absent means the embedded Postgres',
      }),
    ),
  },
  { description: 'the Postgres database' },
);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const TelemetryConfig = Type.Object(
  {
    logLevel: Type.Union(
      LOG_LEVELS.map((level) => Type.Literal(level)),
      { env: 'XREASON_LOG_LEVEL', default: 'info' },
    ),
    otlpEndpoint: Type.Optional(
      Type.String({
        env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
        pattern: '^https?://',
        description: 'OTLP/HTTP collector base URL (spans go to <url>/v1/traces); absent means tracing is not exported',
      }),
    ),
    metrics: Type.Boolean({
      env: 'XREASON_METRICS',
      default: true,
      description: 'serve Prometheus metrics on /metrics',
    }),
  },
  { description: 'logs, traces and metrics' },
);

/** Where local state lives (embedded Postgres, artifacts); relative paths resolve against the cwd at load time. */
export const StateDirConfig = Type.Transform(
  Type.String({
    env: 'XREASON_STATE_DIR',
    default: './.xreason',
    minLength: 1,
    description: 'directory for local state',
  }),
)
  .Decode((path) => resolve(path))
  .Encode((path) => path);

/** Kafka: the local broker or a real cluster; the same services run against either unchanged. */
export const KafkaConfig = Type.Object(
  {
    brokers: Type.Array(Type.String({ minLength: 1, pattern: '^[^\\s:]+:\\d+$' }), {
      env: 'KAFKA_BROKERS',
      default: ['127.0.0.1:9092'],
      minItems: 1,
      description: 'bootstrap servers, host:port, comma-separated in the environment',
    }),
    clientId: Type.String({ env: 'KAFKA_CLIENT_ID', default: 'xreason', minLength: 1 }),
    ssl: Type.Boolean({ env: 'KAFKA_SSL', default: false, description: 'TLS to the brokers' }),
    sasl: Type.Optional(
      Type.Object(
        {
          mechanism: Type.Union([Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')], {
            env: 'KAFKA_SASL_MECHANISM',
          }),
          username: Type.String({ env: 'KAFKA_SASL_USERNAME', minLength: 1 }),
          password: Type.String({ env: 'KAFKA_SASL_PASSWORD', secret: true, minLength: 1 }),
        },
        { description: 'SASL authentication; all three fields together' },
      ),
    ),
  },
  { description: 'the Kafka cluster' },
);
