import { db } from "../db/client";
import type { ProvisionProgress } from "../../../agent/src/contract";

/**
 * The server timeline: every step, outcome and (throttled) install progress as ServerEvent rows.
 * type: job | step | progress | action | agent; status: queued | started | done | failed | info.
 */
export type EventStatus = "queued" | "started" | "done" | "failed" | "info" | "retrying";

export async function recordEvent(serverId: string, type: string, status: EventStatus, message: string, data?: Record<string, unknown>): Promise<void> {
  await db.serverEvent.create({ data: { serverId, type, status, message: message.slice(0, 2000), data: data as object | undefined } });
}

/** Whether a progress update is worth a row: a new step or phase always, bytes at most every intervalMs. */
export function shouldRecordProgress(prev: { p: ProvisionProgress; at: number } | undefined, next: ProvisionProgress, now: number, intervalMs = 1_000): boolean {
  if (!prev) return true;
  if (prev.p.step !== next.step || prev.p.phase !== next.phase) return true;
  return now - prev.at >= intervalMs;
}

export function progressMessage(p: ProvisionProgress): string {
  const pct = p.bytesTotal ? ` ${Math.floor(((p.bytesDone ?? 0) / p.bytesTotal) * 100)}%` : "";
  return `${p.step}: ${p.phase}${pct}${p.message ? ` (${p.message})` : ""}`;
}

/** A recorder that throttles progress rows for one server. */
export function progressRecorder(serverId: string, intervalMs = 1_000): (p: ProvisionProgress) => void {
  let last: { p: ProvisionProgress; at: number } | undefined;
  return (p) => {
    const now = Date.now();
    if (!shouldRecordProgress(last, p, now, intervalMs)) return;
    last = { p, at: now };
    void recordEvent(serverId, "progress", p.phase === "failed" ? "failed" : "info", progressMessage(p), p).catch(() => {});
  };
}
