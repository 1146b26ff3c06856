import { type DynamicModule, Module } from '@nestjs/common';
import { HealthController, READINESS_CHECKS, type Telemetry, TelemetryModule } from '@xreason/telemetry';
import { GRPO_WORKER_OPTIONS, type GrpoWorkerOptions, GrpoWorkerService } from './grpo-worker.service.js';

/** A GRPO rollout or reward service: the role, /healthz, /readyz (the role serving its run) and /metrics. */
@Module({})
export class GrpoWorkerModule {
  static forRoot(options: GrpoWorkerOptions & { telemetry: Telemetry }): DynamicModule {
    return {
      module: GrpoWorkerModule,
      imports: [TelemetryModule.forRoot({ telemetry: options.telemetry })],
      controllers: [HealthController],
      providers: [
        { provide: GRPO_WORKER_OPTIONS, useValue: { role: options.role, env: options.env } },
        {
          provide: GrpoWorkerService,
          useFactory: (o: GrpoWorkerOptions) => new GrpoWorkerService(o),
          inject: [GRPO_WORKER_OPTIONS],
        },
        {
          provide: READINESS_CHECKS,
          useFactory: (worker: GrpoWorkerService) => [worker.readiness()],
          inject: [GrpoWorkerService],
        },
      ],
    };
  }
}
