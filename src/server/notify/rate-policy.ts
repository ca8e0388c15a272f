import type { NotificationKind } from "./kinds";

/**
 * Per-server rate limit, pure. Within a kind's window after a message went out for a server, more
 * events of that kind are recorded but not sent: a game that crashes twenty times in a row sends
 * one "crashed" message (and one "crash loop" message when the supervisor gives up), not twenty.
 * Account-level kinds (billing) have no server and are already one event per invoice/state change.
 */
export const rateWindowMs: Record<NotificationKind, number> = {
  crash: 30 * 60_000,
  crash_loop: 30 * 60_000,
  backup_failed: 60 * 60_000,
  schedule_failed: 60 * 60_000,
  auto_stop: 10 * 60_000,
  payment_failed: 0,
  grace: 0,
  suspended: 0,
  resumed: 0,
};

/** True when an event must be recorded without sending: one was sent for this server and kind inside the window. */
export function shouldSuppress(kind: NotificationKind, lastSentAt: Date | null, now: Date): boolean {
  const windowMs = rateWindowMs[kind];
  if (!lastSentAt || windowMs <= 0) return false;
  return now.getTime() - lastSentAt.getTime() < windowMs;
}
