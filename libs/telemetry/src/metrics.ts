import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

export interface RenderedMetrics {
  contentType: string;
  body: string;
}

type Config<C> = Omit<C, 'registers'>;

/**
 * The metrics of one Telemetry: its own prom-client Registry (so several Telemetry objects in one
 * process — tests — never collide), Node's default metrics, and a `service` label on every series.
 * The helpers get-or-create, so two modules asking for the same counter share it.
 */
export class TelemetryMetrics {
  readonly registry = new Registry();

  constructor(serviceName: string, options: { defaultMetrics?: boolean } = {}) {
    this.registry.setDefaultLabels({ service: serviceName });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(config: Config<CounterConfiguration<L>>): Counter<L> {
    return this.getOrCreate(config.name, Counter, () => new Counter({ ...config, registers: [this.registry] }));
  }

  histogram<L extends string>(config: Config<HistogramConfiguration<L>>): Histogram<L> {
    return this.getOrCreate(config.name, Histogram, () => new Histogram({ ...config, registers: [this.registry] }));
  }

  gauge<L extends string>(config: Config<GaugeConfiguration<L>>): Gauge<L> {
    return this.getOrCreate(config.name, Gauge, () => new Gauge({ ...config, registers: [this.registry] }));
  }

  /** Every metric in the Prometheus text exposition format, with the content type to serve it under. */
  async render(): Promise<RenderedMetrics> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private getOrCreate<M extends Metric>(
    name: string,
    kind: abstract new (...args: never[]) => Metric,
    create: () => M,
  ): M {
    const existing = this.registry.getSingleMetric(name);
    if (existing === undefined) return create();
    if (!(existing instanceof kind)) {
      throw new Error(`metric ${name} already exists as a ${existing.constructor.name}, not a ${kind.name}`);
    }
    return existing as M;
  }
}
