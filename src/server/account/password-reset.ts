import { z } from "zod";
import { recordAudit } from "../audit/audit";
import { bumpSessionVersion } from "../auth/session-version";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { publicUrl } from "../mail/config";
import { kickMail, recordMail } from "../mail/queue";
import { consume } from "../ratelimit/store";
import { tooManyAttemptsMessage } from "../ratelimit/window";
import { AccountError, emailSchema, newPasswordSchema } from "./account.types";
import { issueToken, spendToken } from "./email-tokens";
import { hashPassword } from "./password";

/**
 * Forgot password: a one-shot link (30 minutes, stored hashed). The request answers the same
 * whether the address has an account or not, and takes the same path either way up to the send.
 * Limited per client address (refused with a message, which says nothing about the email) and per
 * account (silently: nothing is sent, the answer is unchanged). Resetting signs out every session.
 */
const log = logger.child({ module: "account.reset" });

export const resetPolicies = {
  account: { limit: 3, windowMs: 60 * 60_000 },
  address: { limit: 10, windowMs: 60 * 60_000 },
};

export const forgotPasswordInput = z.object({ email: emailSchema });
export const resetPasswordInput = z.object({ token: z.string().min(1).max(200), password: newPasswordSchema });

export const FORGOT_ANSWER = "If an account uses this address, we sent it a link to reset the password. It expires in 30 minutes.";

export async function requestPasswordReset(input: z.input<typeof forgotPasswordInput>, ctx: { address: string }): Promise<{ message: string }> {
  const { email } = forgotPasswordInput.parse(input);
  const byAddress = await consume(db, `reset:address:${ctx.address}`, resetPolicies.address);
  if (!byAddress.allowed) throw new AccountError("RATE_LIMITED", tooManyAttemptsMessage(byAddress.retryAfterMs));
  const byAccount = await consume(db, `reset:account:${email}`, resetPolicies.account);
  const user = await db.user.findUnique({ where: { email }, select: { id: true, deletedAt: true } });
  if (user && !user.deletedAt && byAccount.allowed) {
    // Not awaited: the answer must not take longer when the address has an account.
    void sendResetLink(user.id, email).catch((err: unknown) => log.error({ err, userId: user.id }, "could not queue the reset link"));
  } else if (user && !byAccount.allowed) {
    log.warn({ userId: user.id }, "password reset requests over the account's limit: nothing sent");
  }
  return { message: FORGOT_ANSWER };
}

async function sendResetLink(userId: string, email: string): Promise<void> {
  const mailId = await db.$transaction(async (tx) => {
    const { token, id } = await issueToken(tx, { userId, purpose: "reset", email });
    return recordMail(tx, { key: `reset:${id}`, userId, to: email, template: "reset_password", data: { url: `${publicUrl()}/reset-password?token=${token}` } });
  });
  await kickMail(mailId);
  log.info({ userId }, "password reset link queued");
}

/** Sets the new password from a live link, spends it, signs out every session. Returns the email to sign in with. */
export async function resetPassword(input: z.input<typeof resetPasswordInput>): Promise<{ email: string }> {
  const parsed = resetPasswordInput.safeParse(input);
  if (!parsed.success) throw new AccountError("INVALID_INPUT", parsed.error.issues[0]!.message, "password");
  const { token, password } = parsed.data;
  const passwordHash = await hashPassword(password);
  const result = await db.$transaction(async (tx) => {
    const row = await spendToken(tx, "reset", token);
    if (!row) return null;
    const user = await tx.user.findUnique({ where: { id: row.userId }, select: { id: true, email: true, deletedAt: true } });
    if (!user || user.deletedAt || user.email !== row.email) return null;
    // Clicking the emailed link proves the address as well.
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await tx.user.updateMany({ where: { id: user.id, emailVerifiedAt: null }, data: { emailVerifiedAt: new Date() } });
    await tx.emailToken.updateMany({ where: { userId: user.id, purpose: "reset", usedAt: null }, data: { usedAt: new Date() } });
    const notice = await recordMail(tx, { key: `password-changed:${row.id}`, userId: user.id, to: user.email, template: "password_changed", data: { resetUrl: `${publicUrl()}/forgot-password` } });
    return { user, notice };
  });
  if (!result) throw new AccountError("NOT_FOUND", "This reset link is invalid, was already used or has expired. Ask for a new one.");
  await bumpSessionVersion(result.user.id);
  await kickMail(result.notice);
  await recordAudit({ actorId: result.user.id, action: "account.password_reset", targetType: "user", targetId: result.user.id });
  log.info({ userId: result.user.id }, "password reset: every session signed out");
  return { email: result.user.email };
}
