import { Type } from '@sinclair/typebox';
import {
  type ConfigOf,
  DatabaseConfig,
  HttpConfig,
  KafkaConfig,
  StateDirConfig,
  TelemetryConfig,
  defineConfig,
} from '@xreason/config';

/** The operator's whole configuration: environment variables, optionally a file (XREASON_CONFIG_FILE). */
export const OperatorConfigSchema = defineConfig(
  Type.Object({
    mode: Type.Union([Type.Literal('local'), Type.Literal('cluster')], {
      env: 'XREASON_MODE',
      default: 'local',
      description: 'local: runs in Postgres, stage workers as child processes; cluster: AlignmentRuns and Jobs',
    }),
    http: HttpConfig,
    kafka: KafkaConfig,
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
    local: Type.Object(
      {
        servicesDir: Type.Optional(
          Type.String({
            env: 'XREASON_SERVICES_DIR',
            minLength: 1,
            description: 'directory holding <service>/dist/main.js of the stage workers; absent means this checkout',
          }),
        ),
        resyncMs: Type.Integer({
          env: 'XREASON_RESYNC_MS',
          default: 30_000,
          minimum: 100,
          description: 'every run is reconciled again this often',
        }),
        pollMs: Type.Integer({
          env: 'XREASON_LOCAL_POLL_MS',
          default: 1_000,
          minimum: 50,
          description: 'how often the runs table and the stage workers are looked at for changes',
        }),
        retryBaseDelayMs: Type.Integer({
          env: 'XREASON_RETRY_BASE_DELAY_MS',
          default: 10_000,
          minimum: 0,
          description: 'wait before the first retry of a failed stage; doubled per further retry',
        }),
        retryMaxDelayMs: Type.Integer({
          env: 'XREASON_RETRY_MAX_DELAY_MS',
          default: 300_000,
          minimum: 0,
          description: 'longest wait before a retry',
        }),
      },
      { description: 'local mode: the control loop and the stage workers' },
    ),
    triton: Type.Object(
      {
        url: Type.Optional(
          Type.String({
            env: 'TRITON_URL',
            pattern: '^https?://',
            description: 'Triton inference server the workers generate with; absent means the engine',
          }),
        ),
      },
      { description: 'Triton (passed on to the workers)' },
    ),
    kube: Type.Object(
      {
        namespaces: Type.Optional(
          Type.String({
            env: 'XREASON_KUBE_NAMESPACES',
            description: 'namespace watched (one); empty or absent means every namespace',
          }),
        ),
        leaseNamespace: Type.String({ env: 'XREASON_KUBE_LEASE_NAMESPACE', default: 'default', minLength: 1 }),
        identity: Type.Optional(Type.String({ env: 'XREASON_KUBE_IDENTITY', minLength: 1, description: 'pod name' })),
        kueueQueue: Type.Optional(Type.String({ env: 'XREASON_KUBE_KUEUE_QUEUE' })),
        stageServiceAccount: Type.Optional(Type.String({ env: 'XREASON_KUBE_STAGE_SERVICE_ACCOUNT' })),
        artifactsClaim: Type.Optional(Type.String({ env: 'XREASON_KUBE_ARTIFACTS_CLAIM' })),
        priorityClass: Type.Optional(Type.String({ env: 'XREASON_KUBE_PRIORITY_CLASS' })),
        ttlSecondsAfterFinished: Type.Optional(
          Type.Integer({ env: 'XREASON_KUBE_TTL_SECONDS_AFTER_FINISHED', minimum: 0 }),
        ),
        backoffLimitPerIndex: Type.Optional(Type.Integer({ env: 'XREASON_KUBE_BACKOFF_LIMIT_PER_INDEX', minimum: 0 })),
        envSecret: Type.Optional(Type.String({ env: 'XREASON_KUBE_ENV_SECRET' })),
        imageDataPrep: Type.String({ env: 'XREASON_KUBE_IMAGE_DATA_PREP', default: 'xreason/data-prep:latest' }),
        imageTrainer: Type.String({ env: 'XREASON_KUBE_IMAGE_TRAINER', default: 'xreason/trainer:latest' }),
        imageMerge: Type.String({ env: 'XREASON_KUBE_IMAGE_MERGE', default: 'xreason/merge:latest' }),
        imageEval: Type.String({ env: 'XREASON_KUBE_IMAGE_EVAL', default: 'xreason/eval:latest' }),
      },
      { description: 'cluster mode (XREASON_MODE=cluster): the variables the Helm chart sets' },
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
