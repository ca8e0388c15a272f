import type { CrashRecord } from "../../../agent/src/contract/game";
import type { NotifyInput } from "./kinds";

/**
 * Which of a game server's crash records become notifications, pure. Every record has its own id,
 * which names the event (dedupeKey), so a record is notified once whoever sees it first and however
 * often it is seen again. Records older than the cutoff (before the server existed here, or from
 * long before this portal started watching) are history, not news.
 */
export const CRASH_LABELS: Record<CrashRecord["classification"], string> = {
  oom: "it ran out of memory",
  mod_or_plugin_error: "a mod or plugin failed",
  missing_dependency: "a dependency is missing",
  nonzero_exit: "it exited with an error",
  unexpected_exit: "it exited unexpectedly",
};

export const crashDedupeKey = (serverId: string, crashId: string) => `crash:${serverId}:${crashId}`;

function how(r: CrashRecord): string {
  if (r.signal) return `killed by ${r.signal}`;
  if (r.exitCode !== null) return `exit code ${r.exitCode}`;
  return "no exit status";
}

export function crashNotification(server: { id: string; name: string; userId: string }, r: CrashRecord): NotifyInput {
  const tail = r.logTail.slice(-8).join("\n");
  const loop = r.outcome === "error";
  return {
    userId: server.userId,
    serverId: server.id,
    kind: loop ? "crash_loop" : "crash",
    title: loop ? `${server.name} stopped after ${r.failures} crashes in a row` : `${server.name} crashed`,
    body: [
      loop
        ? `The game crashed ${r.failures} times in a row, so automatic restarts stopped. Fix the cause, then start it from the server page.`
        : `The game crashed because ${CRASH_LABELS[r.classification]} (${how(r)}, after ${Math.round(r.uptimeSeconds)} s). ${r.restartInMs !== null ? `It restarts automatically in ${Math.round(r.restartInMs / 1000)} s.` : ""}`.trim(),
      `Why we think so: ${r.reason}`,
      tail ? `Last log lines:\n${tail}` : "",
    ].filter(Boolean).join("\n\n").slice(0, 4000),
    dedupeKey: crashDedupeKey(server.id, r.id),
  };
}

/** Records to notify: not yet known, not older than `cutoff`, oldest first (so a loop reads in order). */
export function newCrashes(records: CrashRecord[], known: ReadonlySet<string>, cutoff: Date): CrashRecord[] {
  return records.filter((r) => !known.has(r.id) && Date.parse(r.at) >= cutoff.getTime()).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
