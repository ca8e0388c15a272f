import type { BillingConfig } from "../billing/config";
import { standingOf, type Standing } from "../billing/standing";
import { db } from "../db/client";
import { logger } from "../log/logger";
import type { NotifyInput } from "./kinds";
import { notify } from "./notify";

/**
 * Billing alerts, derived from where each account stands (billing/standing.ts) rather than from
 * individual Stripe events, so they are idempotent and order-free: the same failed payment always
 * yields the same dedupe keys. Run after every processed Stripe event and by the periodic billing
 * check. One failure (keyed by its paymentFailedAt) sends at most: payment_failed, a grace reminder
 * when less than GRACE_REMINDER_MS is left, suspended once the grace period is over, and resumed
 * when the account is in good standing again.
 */
const log = logger.child({ module: "notify.billing" });
export const GRACE_REMINDER_MS = 2 * 24 * 60 * 60_000;

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The notices due for one failing subscription, pure. */
export function failureNotices(userId: string, failedAt: Date, standing: Standing, now: Date): NotifyInput[] {
  const key = `${userId}:${failedAt.toISOString()}`;
  const out: NotifyInput[] = [];
  if (standing.state !== "grace" && standing.state !== "lapsed") return out;
  const until = standing.graceEndsAt ? day(standing.graceEndsAt) : "the end of the grace period";
  out.push({
    userId,
    kind: "payment_failed",
    title: "A payment for your plan failed",
    body: `We could not charge your payment method. Your servers keep running until ${until} while the payment is retried. Update your card under Manage billing to keep them running.`,
    dedupeKey: `payment_failed:${key}`,
  });
  if (standing.state === "grace" && standing.graceEndsAt && standing.graceEndsAt.getTime() - now.getTime() <= GRACE_REMINDER_MS) {
    out.push({
      userId,
      kind: "grace",
      title: `Your grace period ends on ${until}`,
      body: `The payment for your plan is still open. On ${until} your servers are stopped until it is paid. Pay the open invoice under Manage billing to avoid that.`,
      dedupeKey: `grace:${key}`,
    });
  }
  if (standing.state === "lapsed") {
    out.push({
      userId,
      kind: "suspended",
      title: "Your servers were suspended",
      body: "The payment for your plan was not made within the grace period, so your servers were stopped and cannot be started. Your files are kept. Pay the open invoice under Manage billing and they can run again.",
      dedupeKey: `suspended:${key}`,
    });
  }
  return out;
}

export async function sendBillingNotices(config: BillingConfig, now: Date = new Date()): Promise<void> {
  if (!config.configured) return;
  const failing = await db.subscription.findMany({ where: { paymentFailedAt: { not: null } }, select: { userId: true, plan: true, status: true, paymentFailedAt: true } });
  for (const sub of failing) {
    for (const n of failureNotices(sub.userId, sub.paymentFailedAt!, standingOf(sub, now, config.graceDays), now)) {
      await notify(n);
    }
  }
  // Accounts with a failure notice whose subscription is paid again: tell them once per failure.
  const open = await db.notification.findMany({
    where: { kind: "payment_failed", createdAt: { gt: new Date(now.getTime() - 120 * 24 * 60 * 60_000) } },
    select: { userId: true, dedupeKey: true },
  });
  for (const n of open) {
    const sub = await db.subscription.findUnique({ where: { userId: n.userId }, select: { plan: true, status: true, paymentFailedAt: true } });
    if (!sub || standingOf(sub, now, config.graceDays).state !== "active") continue;
    await notify({
      userId: n.userId,
      kind: "resumed",
      title: "Payment received: you are in good standing",
      body: "Thanks, the open payment went through. Your plan is active again and suspended servers can be started.",
      dedupeKey: n.dedupeKey.replace(/^payment_failed:/, "resumed:"),
    });
  }
}

/** For callers that must not fail because of an alert (the Stripe webhook, the billing check). */
export async function sendBillingNoticesSafely(config: BillingConfig): Promise<void> {
  await sendBillingNotices(config).catch((err: unknown) => log.error({ err }, "billing notices failed"));
}
