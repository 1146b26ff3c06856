export interface ProbeResult {
  ok: boolean;
  status?: number;
  body?: unknown;
  error?: string;
}

/** One GET of a health endpoint; never throws. */
export async function probe(url: string, timeoutMs = 2_000): Promise<ProbeResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // plain-text body
    }
    return { ok: response.ok, status: response.status, body };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Polls `url` until it answers 2xx, `isDead()` says the server is gone, or the deadline passes. */
export async function waitUntilReady(
  url: string,
  options: { timeoutMs: number; isDead?: () => boolean; intervalMs?: number },
): Promise<ProbeResult> {
  const deadline = Date.now() + options.timeoutMs;
  let last: ProbeResult = { ok: false, error: 'not probed yet' };
  while (Date.now() < deadline) {
    if (options.isDead?.()) return { ok: false, error: 'process exited' };
    last = await probe(url);
    if (last.ok) return last;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
  return last;
}
