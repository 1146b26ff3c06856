/** Where a long evaluation stands; emitted after every batch. */
export interface EvaluationProgress {
  suite: string;
  language: string;
  itemsDone: number;
  itemsTotal: number;
  /** Items answered from the generation cache rather than generated. */
  itemsCached: number;
  /** Items per second since the start. */
  itemsPerSecond: number;
  /** Seconds left at the current rate; undefined before the rate is known. */
  etaSeconds: number | undefined;
}

/** Tracks throughput on the generated items only: cached items cost nothing and would make the ETA lie. */
export class ProgressMeter {
  private readonly startedAt: number;
  private done = 0;
  private cached = 0;

  constructor(
    private readonly total: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  advance(items: number, fromCache: boolean, where: { suite: string; language: string }): EvaluationProgress {
    this.done += items;
    if (fromCache) this.cached += items;
    const seconds = (this.now() - this.startedAt) / 1000;
    const generated = this.done - this.cached;
    const rate = seconds > 0 && generated > 0 ? generated / seconds : 0;
    return {
      ...where,
      itemsDone: this.done,
      itemsTotal: this.total,
      itemsCached: this.cached,
      itemsPerSecond: rate,
      etaSeconds: rate > 0 ? (this.total - this.done) / rate : undefined,
    };
  }
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** One stderr line: `mgsm ja 120/250 items · 3.2 items/s · ETA 41 s · 40 cached`. */
export function formatProgress(p: EvaluationProgress): string {
  const parts = [`${p.suite} ${p.language} ${p.itemsDone}/${p.itemsTotal} items`];
  if (p.itemsPerSecond > 0) parts.push(`${p.itemsPerSecond.toFixed(p.itemsPerSecond < 10 ? 2 : 1)} items/s`);
  if (p.etaSeconds !== undefined && p.itemsDone < p.itemsTotal) parts.push(`ETA ${duration(p.etaSeconds)}`);
  if (p.itemsCached > 0) parts.push(`${p.itemsCached} cached`);
  return parts.join(' · ');
}
