import type { z } from "zod";
import type { PrismaClient } from "~/generated/prisma/client";
import { bumpSessionVersion } from "../auth/session-version";
import { beginSignInAttempt } from "../ratelimit/signin";
import { tooManyAttemptsMessage } from "../ratelimit/window";
import { hashPassword, needsRehash, verifyPassword } from "./password";
import { initialRole } from "../admin/admin-emails";
import { recordAudit } from "../audit/audit";
import {
  AccountError,
  changePasswordInput,
  signInInput,
  signUpInput,
  type AccountField,
  type AccountSummary,
  type ChangePasswordInput,
  type SignInInput,
  type SignUpInput,
} from "./account.types";

/** Accounts: sign up, check credentials, change password. Every input is validated here too. */
type Db = Pick<PrismaClient, "user" | "$transaction" | "rateLimitBucket">;

const summary = { id: true, email: true, createdAt: true } as const;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new AccountError("INVALID_INPUT", issue.message, issue.path[0] as AccountField | undefined);
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

export async function signUp(db: Db, input: SignUpInput): Promise<AccountSummary> {
  const { email, password } = parse(signUpInput, input);
  const passwordHash = await hashPassword(password);
  try {
    // Listed in ZLH_ADMIN_EMAILS: an admin from the first sign-in (#17).
    const user = await db.user.create({ data: { email, passwordHash, role: initialRole(email) }, select: summary });
    await recordAudit({ actorId: user.id, action: "auth.sign_up", targetType: "user", targetId: user.id });
    return user;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AccountError("EMAIL_TAKEN", "An account with this email already exists.", "email");
    throw err;
  }
}

// Unknown emails are checked against this hash so they take as long as known ones.
let decoyHash: Promise<string> | undefined;

/**
 * Checks an email and password, counting the attempt against the account's and the address's
 * limits. Unknown email and wrong password give the same answer.
 */
export async function verifyCredentials(db: Db, input: SignInInput, ctx: { address: string }): Promise<AccountSummary> {
  const { email, password } = parse(signInInput, input);
  const attempt = await beginSignInAttempt(db, { email, address: ctx.address });
  if (!attempt.allowed) throw new AccountError("RATE_LIMITED", tooManyAttemptsMessage(attempt.retryAfterMs));
  const user = await db.user.findUnique({ where: { email }, select: { ...summary, passwordHash: true } });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await (decoyHash ??= hashPassword("decoy password"))));
  if (!user || !ok) throw new AccountError("INVALID_CREDENTIALS", "Wrong email or password.", "password");
  await attempt.succeeded();
  if (needsRehash(user.passwordHash)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  return { id: user.id, email: user.email, createdAt: user.createdAt };
}

/** Needs the current password; guesses count against the same limits as sign-in (a stolen session cannot brute-force it). */
export async function changePassword(
  db: Db,
  userId: string,
  input: ChangePasswordInput,
  ctx: { address: string },
): Promise<void> {
  const { currentPassword, newPassword } = parse(changePasswordInput, input);
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  if (!user) throw new AccountError("NOT_FOUND", "This account no longer exists.");
  const attempt = await beginSignInAttempt(db, { email: user.email, address: ctx.address });
  if (!attempt.allowed) throw new AccountError("RATE_LIMITED", tooManyAttemptsMessage(attempt.retryAfterMs));
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AccountError("WRONG_PASSWORD", "Current password is wrong.", "currentPassword");
  }
  await attempt.succeeded();
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(newPassword) } });
  // Whoever else holds a session (a stolen cookie, a forgotten laptop) is signed out; this browser
  // signs in again with the new password.
  await bumpSessionVersion(userId, db);
}

export async function getAccount(db: Db, userId: string): Promise<AccountSummary> {
  const user = await db.user.findUnique({ where: { id: userId }, select: summary });
  if (!user) throw new AccountError("NOT_FOUND", "This account no longer exists.");
  return user;
}
