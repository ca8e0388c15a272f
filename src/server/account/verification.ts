import { TRPCError } from "@trpc/server";
import { recordAudit } from "../audit/audit";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { publicUrl } from "../mail/config";
import { kickMail, queueMail, recordMail } from "../mail/queue";
import { consume } from "../ratelimit/store";
import { tooManyAttemptsMessage } from "../ratelimit/window";
import { issueToken, spendToken } from "./email-tokens";

/**
 * Email verification: a one-shot link (24 h) sent at sign-up and on request. Until it is clicked
 * the account can sign in and use one server, but not create a second one or buy a plan
 * (assertVerified). A sign-up with a taken address tells that address's owner by email.
 */
const log = logger.child({ module: "account.verification" });

/** Resends per account: a few an hour is plenty for a person and useless for flooding an inbox. */
const RESEND_POLICY = { limit: 3, windowMs: 60 * 60_000 };
const TAKEN_NOTICE_POLICY = { limit: 2, windowMs: 60 * 60_000 };

/** Queues the verification email for the account's current address. Never throws: sign-up must answer the same either way. */
export async function sendVerificationEmail(userId: string): Promise<void> {
  try {
    const mailId = await db.$transaction(async (tx) => {
      const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, emailVerifiedAt: true, deletedAt: true } });
      if (!user || user.emailVerifiedAt || user.deletedAt) return null;
      const { token, id } = await issueToken(tx, { userId, purpose: "verify", email: user.email });
      return recordMail(tx, { key: `verify:${id}`, userId, to: user.email, template: "verify_email", data: { url: `${publicUrl()}/verify-email?token=${token}` } });
    });
    await kickMail(mailId);
  } catch (err) {
    log.error({ err, userId }, "could not queue the verification email");
  }
}

/** The owner of a taken address learns that someone tried it (at most twice an hour per address). Never throws. */
export async function sendSignupAttemptNotice(email: string): Promise<void> {
  try {
    const user = await db.user.findUnique({ where: { email }, select: { id: true, deletedAt: true } });
    if (!user || user.deletedAt) return;
    const gate = await consume(db, `mail:signup-attempt:${user.id}`, TAKEN_NOTICE_POLICY);
    if (!gate.allowed) return;
    const base = publicUrl();
    await queueMail({
      key: `signup-attempt:${user.id}:${Date.now()}`,
      userId: user.id,
      to: email,
      template: "signup_attempt",
      data: { signInUrl: `${base}/signin`, resetUrl: `${base}/forgot-password` },
    });
  } catch (err) {
    log.error({ err }, "could not queue the sign-up attempt notice");
  }
}

export async function resendVerification(userId: string): Promise<{ sent: boolean }> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  if (!user) throw new TRPCError({ code: "NOT_FOUND", message: "This account no longer exists." });
  if (user.emailVerifiedAt) return { sent: false };
  const gate = await consume(db, `mail:verify-resend:${userId}`, RESEND_POLICY);
  if (!gate.allowed) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: tooManyAttemptsMessage(gate.retryAfterMs) });
  await sendVerificationEmail(userId);
  return { sent: true };
}

export type VerifyResult = { ok: true; email: string } | { ok: false; reason: string };

/** Spends the link and marks the address verified, if it is still the account's address. */
export async function verifyEmail(token: string): Promise<VerifyResult> {
  const result = await db.$transaction(async (tx): Promise<VerifyResult & { userId?: string }> => {
    const row = await spendToken(tx, "verify", token);
    if (!row) return { ok: false, reason: "This link is invalid, was already used or has expired. Sign in and send a new one from Settings." };
    const user = await tx.user.findUnique({ where: { id: row.userId }, select: { email: true, deletedAt: true } });
    if (!user || user.deletedAt || user.email !== row.email) return { ok: false, reason: "This link is for an address the account no longer uses." };
    await tx.user.update({ where: { id: row.userId }, data: { emailVerifiedAt: new Date() } });
    return { ok: true, email: user.email, userId: row.userId };
  });
  if (!result.ok || !result.userId) return result;
  await recordAudit({ actorId: result.userId, action: "account.email_verified", targetType: "user", targetId: result.userId });
  return { ok: true, email: result.email };
}

/** For a second server and paid plans: refused until the address is confirmed. */
export async function assertVerified(userId: string, what: string): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  if (user && !user.emailVerifiedAt) {
    throw new TRPCError({ code: "FORBIDDEN", message: `Confirm your email address to ${what}: use the link we emailed you, or send a new one from Settings.` });
  }
}

export async function emailStatus(userId: string): Promise<{ email: string; verified: boolean }> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, emailVerifiedAt: true } });
  if (!user) throw new TRPCError({ code: "NOT_FOUND", message: "This account no longer exists." });
  return { email: user.email, verified: Boolean(user.emailVerifiedAt) };
}
