import type { BackoffPolicy } from "../../agent/src/game/backoff";

/**
 * The landing page's console preview of a crash and its recovery, computed from the agent's real
 * crash-loop policy (DEFAULT_BACKOFF), so the delays it shows are the ones a server gets.
 */
export type PreviewLine = { tone: "log" | "crash" | "zlh" | "ok"; text: string };

function clock(startSeconds: number): string {
  const h = Math.floor(startSeconds / 3600) % 24;
  const m = Math.floor(startSeconds / 60) % 60;
  const s = startSeconds % 60;
  return [h, m, s].map((n) => String(n).padStart(2, "0")).join(":");
}

function secs(ms: number): string {
  return ms % 60_000 === 0 && ms >= 60_000 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

export function crashPreview(policy: BackoffPolicy, startAt = 12 * 3600 + 47 * 60 + 3): PreviewLine[] {
  const first = policy.scheduleMs[0] ?? 0;
  const restartAt = startAt + Math.round(first / 1000);
  return [
    { tone: "log", text: `[${clock(startAt - 2600)}] Server listening on port 25565` },
    { tone: "log", text: `[${clock(startAt - 660)}] Steve joined the game` },
    { tone: "crash", text: `[${clock(startAt)}] game exited unexpectedly (code 1): crash recorded with the last log lines` },
    { tone: "zlh", text: `[${clock(startAt)}] restarting in ${secs(first)} (automatic restarts stop after ${policy.maxFailures} crashes in a row)` },
    { tone: "ok", text: `[${clock(restartAt + 4)}] Server listening on port 25565` },
    { tone: "log", text: `[${clock(restartAt + 20)}] Steve joined the game` },
  ];
}

/** "30 s, then 1 min, then 2 min": the schedule in words. */
export function backoffWords(policy: BackoffPolicy): string {
  return policy.scheduleMs.map(secs).join(", then ");
}
