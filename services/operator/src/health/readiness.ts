/** One dependency the operator needs before it can serve: the database now; Kafka and the API server later. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ ok: boolean; latencyMs?: number; error?: string }>;
}

export const READINESS_CHECKS = Symbol.for('@xreason/operator/readiness-checks');
