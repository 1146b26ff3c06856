import {
  Inject,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpTelemetryMiddleware } from './http-telemetry.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { PinoNestLogger } from './pino-nest-logger.service.js';
import { Telemetry, setupTelemetry, type TelemetryOptions } from './telemetry.js';

export type TelemetryModuleOptions = (TelemetryOptions | { telemetry: Telemetry }) & {
  /** Serve GET /metrics (default true). Request metrics are collected either way. */
  metrics?: boolean;
};

const OWNS_TELEMETRY = Symbol.for('@xreason/telemetry:owns');

/**
 * Telemetry for a Nest application: provides Telemetry and PinoNestLogger everywhere, serves
 * GET /metrics, and traces and counts every HTTP request. Given options it sets telemetry up and
 * shuts it down with the app; given `{ telemetry }` (set up earlier in main.ts) it leaves that to the caller.
 */
@Module({})
export class TelemetryModule implements NestModule, OnApplicationShutdown {
  static forRoot(options: TelemetryModuleOptions): DynamicModule {
    const owns = !('telemetry' in options);
    return {
      module: TelemetryModule,
      global: true,
      providers: [
        {
          provide: Telemetry,
          useFactory: () => ('telemetry' in options ? options.telemetry : setupTelemetry(options)),
        },
        { provide: OWNS_TELEMETRY, useValue: owns },
        {
          provide: PinoNestLogger,
          useFactory: (telemetry: Telemetry) => new PinoNestLogger(telemetry.logger),
          inject: [Telemetry],
        },
        HttpTelemetryMiddleware,
      ],
      controllers: options.metrics === false ? [] : [MetricsController],
      exports: [Telemetry, PinoNestLogger],
    };
  }

  constructor(
    private readonly telemetry: Telemetry,
    @Inject(OWNS_TELEMETRY) private readonly owns: boolean,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpTelemetryMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.owns) await this.telemetry.shutdown();
  }
}
