import { z } from "zod";
import { recordAudit } from "../audit/audit";
import { bumpSessionVersion } from "../auth/session-version";
import { billingConfig } from "../billing/config";
import { stripeClient } from "../billing/stripe-client";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { kickMail, recordMail } from "../mail/queue";
import { deleteServer } from "../provisioning/service";
import { beginSignInAttempt } from "../ratelimit/signin";
import { tooManyAttemptsMessage } from "../ratelimit/window";
import { AccountError, MAX_PASSWORD_LENGTH } from "./account.types";
import { verifyPassword } from "./password";

/**
 * Deleting an account, confirmed by typing the account's email address plus the password:
 * 1. every server is deleted through provisioning (its job stops and removes the container);
 * 2. a live Stripe subscription is cancelled now through the billing client;
 * 3. personal data is erased: the email becomes a placeholder, the password stops working, SSH
 *    keys, pending links, alert settings, webhooks, notifications and unsent mail are removed;
 * 4. every session is signed out and a last email goes to the old address.
 * Kept: the User row with its Stripe customer id and the Subscription row (invoices are Stripe's
 * records, which tax law makes us keep), server rows marked deleted, and audit entries.
 */
const log = logger.child({ module: "account.deletion" });

export const deleteAccountInput = z.object({
  confirmation: z.string().trim().toLowerCase().max(300),
  password: z.string().min(1, "Enter your password.").max(MAX_PASSWORD_LENGTH),
});

const LIVE_SUBSCRIPTION = new Set(["active", "trialing", "past_due", "unpaid", "incomplete"]);

export async function deleteAccount(userId: string, input: z.input<typeof deleteAccountInput>, ctx: { address: string }): Promise<{ deleted: true; servers: number }> {
  const parsed = deleteAccountInput.safeParse(input);
  if (!parsed.success) throw new AccountError("INVALID_INPUT", parsed.error.issues[0]!.message, "password");
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true, deletedAt: true } });
  if (!user || user.deletedAt) throw new AccountError("NOT_FOUND", "This account no longer exists.");
  if (parsed.data.confirmation !== user.email) throw new AccountError("INVALID_INPUT", "Type your email address exactly to confirm.", "email");
  const attempt = await beginSignInAttempt(db, { email: user.email, address: ctx.address });
  if (!attempt.allowed) throw new AccountError("RATE_LIMITED", tooManyAttemptsMessage(attempt.retryAfterMs));
  if (!(await verifyPassword(parsed.data.password, user.passwordHash))) throw new AccountError("WRONG_PASSWORD", "Wrong password.", "password");
  await attempt.succeeded();

  const servers = await db.server.findMany({ where: { userId, status: { notIn: ["deleted", "deleting"] } }, select: { id: true } });
  for (const s of servers) await deleteServer(userId, s.id);

  await cancelSubscription(userId);

  const now = new Date();
  const goodbye = await db.$transaction(async (tx) => {
    await tx.sshKey.deleteMany({ where: { userId } });
    await tx.emailToken.deleteMany({ where: { userId } });
    await tx.notificationPreference.deleteMany({ where: { userId } });
    await tx.webhook.deleteMany({ where: { userId } });
    await tx.notification.deleteMany({ where: { userId } });
    await tx.mailMessage.deleteMany({ where: { userId, status: { not: "sent" } } });
    await tx.mailMessage.updateMany({ where: { userId }, data: { to: "erased", userId: null } });
    await tx.user.update({
      where: { id: userId },
      data: { email: `deleted-${userId}@deleted.invalid`, name: null, passwordHash: "deleted", emailVerifiedAt: null, deletedAt: now },
    });
    // Not tied to the user id: nothing left links the old address to the kept row once it is sent.
    return recordMail(tx, { key: `account-deleted:${userId}`, to: user.email, template: "account_deleted", data: { email: user.email } });
  });
  await bumpSessionVersion(userId);
  await kickMail(goodbye);
  await recordAudit({ actorId: userId, action: "account.delete", targetType: "user", targetId: userId, ip: ctx.address, data: { servers: servers.length } });
  log.info({ userId, servers: servers.length }, "account deleted");
  return { deleted: true, servers: servers.length };
}

async function cancelSubscription(userId: string): Promise<void> {
  const sub = await db.subscription.findUnique({ where: { userId } });
  if (!sub || !LIVE_SUBSCRIPTION.has(sub.status)) return;
  const config = billingConfig();
  if (!config.configured) return;
  await stripeClient(config).subscriptions.cancel(sub.stripeSubscriptionId, {}, { idempotencyKey: `zlh-delete-account-${userId}` });
  await db.subscription.update({ where: { userId }, data: { status: "canceled", cancelAtPeriodEnd: false } });
  log.info({ userId, subscription: sub.stripeSubscriptionId }, "subscription cancelled with the account");
}
