import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';
import { Telemetry } from './telemetry.js';

/** Prometheus scrape endpoint. Under a global prefix it moves with it unless the app excludes `metrics`. */
@Controller()
export class MetricsController {
  constructor(private readonly telemetry: Telemetry) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  async metrics(): Promise<string> {
    return (await this.telemetry.renderMetrics()).body;
  }
}
