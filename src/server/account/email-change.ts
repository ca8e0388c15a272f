import { z } from "zod";
import { recordAudit } from "../audit/audit";
import { bumpSessionVersion } from "../auth/session-version";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { publicUrl } from "../mail/config";
import { kickMail, recordMail } from "../mail/queue";
import { beginSignInAttempt } from "../ratelimit/signin";
import { tooManyAttemptsMessage } from "../ratelimit/window";
import { AccountError, emailSchema, MAX_PASSWORD_LENGTH } from "./account.types";
import { issueToken, spendToken } from "./email-tokens";
import { verifyPassword } from "./password";

/**
 * Change of email: needs the current password; the new address gets a one-shot link (24 h) and
 * the old address is told at once and again when the change happens. The answer is the same
 * whether the new address is free or taken (a taken one simply gets no link). Confirming signs
 * out every session, whose tokens carry the old address.
 */
const log = logger.child({ module: "account.email-change" });

export const changeEmailInput = z.object({
  newEmail: emailSchema,
  currentPassword: z.string().min(1, "Enter your current password.").max(MAX_PASSWORD_LENGTH),
});

export async function requestEmailChange(userId: string, input: z.input<typeof changeEmailInput>, ctx: { address: string }): Promise<{ message: string }> {
  const parsed = changeEmailInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AccountError("INVALID_INPUT", issue.message, issue.path[0] === "newEmail" ? "email" : "currentPassword");
  }
  const { newEmail, currentPassword } = parsed.data;
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true, deletedAt: true } });
  if (!user || user.deletedAt) throw new AccountError("NOT_FOUND", "This account no longer exists.");
  if (newEmail === user.email) throw new AccountError("INVALID_INPUT", "That is already your address.", "email");
  // Password guesses through this form count against the same limits as sign-in.
  const attempt = await beginSignInAttempt(db, { email: user.email, address: ctx.address });
  if (!attempt.allowed) throw new AccountError("RATE_LIMITED", tooManyAttemptsMessage(attempt.retryAfterMs));
  if (!(await verifyPassword(currentPassword, user.passwordHash))) throw new AccountError("WRONG_PASSWORD", "Current password is wrong.", "currentPassword");
  await attempt.succeeded();
  const taken = await db.user.findUnique({ where: { email: newEmail }, select: { id: true } });
  const base = publicUrl();
  const ids = await db.$transaction(async (tx) => {
    const notice = await recordMail(tx, {
      key: `email-change-requested:${userId}:${newEmail}:${Date.now()}`,
      userId,
      to: user.email,
      template: "change_email_notice",
      data: { newEmail, stage: "requested", securityUrl: `${base}/settings/account` },
    });
    if (taken) return [notice];
    const { token, id } = await issueToken(tx, { userId, purpose: "change_email", email: newEmail });
    const link = await recordMail(tx, { key: `change-email:${id}`, userId, to: newEmail, template: "change_email_verify", data: { url: `${base}/confirm-email?token=${token}`, newEmail } });
    return [notice, link];
  });
  for (const id of ids) await kickMail(id);
  return { message: `We sent a confirmation link to ${newEmail}. Your address changes when you click it.` };
}

export type ConfirmResult = { ok: true; email: string } | { ok: false; reason: string };

export async function confirmEmailChange(token: string): Promise<ConfirmResult> {
  const out = await db.$transaction(async (tx) => {
    const row = await spendToken(tx, "change_email", token);
    if (!row) return { ok: false as const, reason: "This link is invalid, was already used or has expired. Ask for a new one in Settings." };
    const user = await tx.user.findUnique({ where: { id: row.userId }, select: { email: true, deletedAt: true } });
    if (!user || user.deletedAt) return { ok: false as const, reason: "This account no longer exists." };
    const taken = await tx.user.findUnique({ where: { email: row.email }, select: { id: true } });
    if (taken) return { ok: false as const, reason: "Another account uses this address now." };
    await tx.user.update({ where: { id: row.userId }, data: { email: row.email, emailVerifiedAt: new Date() } });
    const notice = await recordMail(tx, {
      key: `email-changed:${row.id}`,
      userId: row.userId,
      to: user.email,
      template: "change_email_notice",
      data: { newEmail: row.email, stage: "changed", securityUrl: `${publicUrl()}/signin` },
    });
    return { ok: true as const, email: row.email, userId: row.userId, notice };
  });
  if (!out.ok) return out;
  await bumpSessionVersion(out.userId);
  await kickMail(out.notice);
  await recordAudit({ actorId: out.userId, action: "account.email_change", targetType: "user", targetId: out.userId });
  log.info({ userId: out.userId }, "email address changed");
  return { ok: true, email: out.email };
}
