/**
 * The broker's counters, rendered in the Prometheus text format (0.0.4). Hand-rolled rather than
 * prom-client: a handful of counters, no global registry shared with the host process's metrics.
 */
export class Counter {
  readonly name: string;
  readonly help: string;
  private readonly values = new Map<string, number>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  inc(amount = 1, labels: Record<string, string> = {}): void {
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
      .join(',');
    this.values.set(key, (this.values.get(key) ?? 0) + amount);
  }

  get(labels: Record<string, string> = {}): number {
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    return this.values.get(key) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [labels, value] of this.values)
      lines.push(labels === '' ? `${this.name} ${value}` : `${this.name}{${labels}} ${value}`);
    return lines.join('\n');
  }
}

export class BrokerMetrics {
  readonly requests = new Counter('kafka_broker_requests_total', 'Requests handled, by API name and version.');
  readonly requestErrors = new Counter(
    'kafka_broker_request_errors_total',
    'Requests that closed the connection: malformed, unsupported or failed.',
  );
  readonly networkBytesIn = new Counter(
    'kafka_broker_network_bytes_in_total',
    'Request bytes received, frame headers included.',
  );
  readonly networkBytesOut = new Counter(
    'kafka_broker_network_bytes_out_total',
    'Response bytes sent, frame headers included.',
  );
  readonly recordBytesIn = new Counter(
    'kafka_broker_record_bytes_in_total',
    'Record batch bytes appended to partition logs.',
  );
  readonly recordBytesOut = new Counter('kafka_broker_record_bytes_out_total', 'Record batch bytes served to fetches.');
  readonly messagesIn = new Counter('kafka_broker_messages_in_total', 'Records appended to partition logs.');
  readonly duplicateBatches = new Counter(
    'kafka_broker_duplicate_batches_total',
    'Idempotent-producer retries answered without a second append.',
  );
  readonly rebalances = new Counter(
    'kafka_broker_group_rebalances_total',
    'Completed consumer-group rebalances (new generations), by group.',
  );
  readonly connections = new Counter('kafka_broker_connections_total', 'TCP connections accepted.');
  private readonly gauges = new Map<string, { help: string; read: () => number }>();

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  render(): string {
    const counters = [
      this.requests,
      this.requestErrors,
      this.networkBytesIn,
      this.networkBytesOut,
      this.recordBytesIn,
      this.recordBytesOut,
      this.messagesIn,
      this.duplicateBatches,
      this.rebalances,
      this.connections,
    ].map((c) => c.render());
    const gauges = [...this.gauges].map(
      ([name, g]) => `# HELP ${name} ${g.help}\n# TYPE ${name} gauge\n${name} ${g.read()}`,
    );
    return [...counters, ...gauges].join('\n') + '\n';
  }
}
