/** Retry delay for attempt n (0-based): exponential from `baseMs`, capped, with up to 25 % jitter. */
export function backoffDelay(attempt: number, baseMs = 200, capMs = 3_000, random = Math.random): number {
  const raw = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(raw * (0.75 + 0.25 * random()));
}

/** Whether a failed call may be retried: only idempotent calls, only transient failures. */
export function isRetryable(opts: { idempotent: boolean; status?: number; networkError?: boolean }): boolean {
  if (!opts.idempotent) return false;
  if (opts.networkError) return true;
  return opts.status === 502 || opts.status === 503 || opts.status === 504 || opts.status === 429;
}
