import { beginSignUp, signUpPolicies } from "../ratelimit/signup";
import { tooManyAttemptsMessage } from "../ratelimit/window";
import { AccountError, type AccountSummary, type SignUpInput } from "./account.types";
import { signUp } from "./service";

/**
 * Sign-up as the public API offers it: rate limited by address and network, and with one answer
 * whether the email was free or taken, so the form cannot be used to find out who has an account.
 * A taken email is reported to `onEmailTaken` (the account's owner is told by email, not the caller).
 */
type Db = Parameters<typeof signUp>[0] & Parameters<typeof beginSignUp>[0];

export type PublicSignUpResult = { ok: true };
export type SignUpHooks = {
  /** After a new account is stored (e.g. the verification email). */
  onCreated?: (user: AccountSummary) => Promise<void>;
  /** When the email already has an account (e.g. tell its owner someone tried). */
  onEmailTaken?: (email: string) => Promise<void>;
};

export async function publicSignUp(
  db: Db,
  input: SignUpInput,
  ctx: { address: string; perMinute: number } & SignUpHooks,
): Promise<PublicSignUpResult> {
  const gate = await beginSignUp(db, ctx.address, signUpPolicies(ctx.perMinute));
  if (!gate.allowed) throw new AccountError("RATE_LIMITED", tooManyAttemptsMessage(gate.retryAfterMs));
  let created: AccountSummary;
  try {
    created = await signUp(db, input);
  } catch (err) {
    if (!(err instanceof AccountError) || err.code !== "EMAIL_TAKEN") throw err;
    await ctx.onEmailTaken?.(input.email.trim().toLowerCase());
    return { ok: true };
  }
  await ctx.onCreated?.(created);
  return { ok: true };
}
