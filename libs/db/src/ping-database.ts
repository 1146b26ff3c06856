import type { DataSource } from 'typeorm';

export interface DatabasePing {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** One round trip (`SELECT 1`) for readiness probes; never throws, and gives up after `timeoutMs`. */
export async function pingDatabase(dataSource: DataSource, timeoutMs = 2_000): Promise<DatabasePing> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
  if (!dataSource.isInitialized) return { ok: false, latencyMs: 0, error: 'database connection is not open' };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      dataSource.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: elapsed() };
  } catch (error) {
    return { ok: false, latencyMs: elapsed(), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
