import { z } from "zod";

/**
 * What the portal notifies about, and the input every caller hands to notify(). Callers pick a
 * dedupeKey that names the event (e.g. `crash:<serverId>:<crashId>`, `backup_failed:<runId>`): the
 * same key never notifies twice, across retries and portal restarts.
 */
export const notificationKinds = [
  "crash",
  "crash_loop",
  "backup_failed",
  "schedule_failed",
  "auto_stop",
  "payment_failed",
  "grace",
  "suspended",
  "resumed",
] as const;
export const notificationKindSchema = z.enum(notificationKinds);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

export const notifyInputSchema = z.object({
  userId: z.string().min(1).max(100),
  serverId: z.string().min(1).max(100).optional(),
  kind: notificationKindSchema,
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(4000),
  dedupeKey: z.string().min(1).max(300),
});
export type NotifyInput = z.input<typeof notifyInputSchema>;

export type KindInfo = { label: string; description: string; tone: "danger" | "warning" | "info" | "success" };

/** How each kind is named in settings, emails and webhook embeds. */
export const kindInfo: Record<NotificationKind, KindInfo> = {
  crash: { label: "Game crashed", description: "The game exited unexpectedly and is being restarted.", tone: "danger" },
  crash_loop: { label: "Crash loop", description: "The game kept crashing and automatic restarts stopped.", tone: "danger" },
  backup_failed: { label: "Backup failed", description: "A backup of a server did not complete.", tone: "warning" },
  schedule_failed: { label: "Scheduled task failed", description: "A scheduled task of a server failed.", tone: "warning" },
  auto_stop: { label: "Auto-stopped", description: "An idle server was stopped to save resources.", tone: "info" },
  payment_failed: { label: "Payment failed", description: "A payment for your plan did not go through.", tone: "danger" },
  grace: { label: "Grace period", description: "Your servers keep running for a few days while payment is retried.", tone: "warning" },
  suspended: { label: "Servers suspended", description: "Your servers were stopped because the plan was not paid.", tone: "danger" },
  resumed: { label: "Account in good standing", description: "Payment arrived and your servers can run again.", tone: "success" },
};
