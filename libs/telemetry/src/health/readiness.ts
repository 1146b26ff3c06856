/** One dependency a service needs before it can serve (the operator's database, a GRPO worker's run and broker). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ ok: boolean; latencyMs?: number; error?: string }>;
}

export const READINESS_CHECKS = Symbol.for('@xreason/telemetry/readiness-checks');
