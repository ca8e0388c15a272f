/**
 * Crash-loop policy. `failures` counts unexpected exits in a row; a run that stayed up at least
 * `stableMs` starts a new count. Crash n (1-based) waits `schedule[n-1]` (the last entry repeats);
 * reaching `maxFailures` stops automatic restarts.
 */
export type BackoffPolicy = { scheduleMs: number[]; stableMs: number; maxFailures: number };

export const DEFAULT_BACKOFF: BackoffPolicy = { scheduleMs: [30_000, 60_000, 120_000], stableMs: 30_000, maxFailures: 4 };

/** Failures in a row after a crash that ended a run of `uptimeMs`. */
export function failuresAfterCrash(previous: number, uptimeMs: number, policy: BackoffPolicy): number {
  return uptimeMs >= policy.stableMs ? 1 : previous + 1;
}

/** The wait before restart number `failures`, or null when the supervisor must give up (error). */
export function backoffDelay(failures: number, policy: BackoffPolicy): number | null {
  if (failures < 1) return 0;
  if (failures >= policy.maxFailures) return null;
  const s = policy.scheduleMs;
  if (s.length === 0) return 0;
  return s[Math.min(failures - 1, s.length - 1)]!;
}

/** Parses "30000,60000,120000" (agent flag / env). */
export function parseSchedule(text: string): number[] {
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error("backoff schedule is empty");
  return parts.map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 0) throw new Error(`backoff entry "${p}" is not a non-negative integer of milliseconds`);
    return n;
  });
}
