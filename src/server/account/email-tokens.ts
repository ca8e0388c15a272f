import { createHash, randomBytes } from "node:crypto";
import type { Prisma } from "~/generated/prisma/client";

/**
 * One-shot email links. The link carries 32 random bytes; the database keeps only their sha256,
 * so a database leak cannot be turned into working links. A token is spent by one conditional
 * update (unused and unexpired -> used): two clicks racing, only one wins.
 */
export const tokenPurposes = ["verify", "reset", "change_email"] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];

export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  verify: 24 * 60 * 60_000,
  reset: 30 * 60_000,
  change_email: 24 * 60 * 60_000,
};

/** Shape check before any database work: 43 base64url characters. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

type Tx = Pick<Prisma.TransactionClient, "emailToken">;

/**
 * Issues a token for `purpose`; earlier unused tokens of the same purpose for the user stop
 * working (only the newest link is live). Returns the raw token and the row id.
 */
export async function issueToken(tx: Tx, p: { userId: string; purpose: TokenPurpose; email: string; now?: Date }): Promise<{ token: string; id: string }> {
  const now = p.now ?? new Date();
  await tx.emailToken.updateMany({ where: { userId: p.userId, purpose: p.purpose, usedAt: null }, data: { usedAt: now } });
  const token = newToken();
  const row = await tx.emailToken.create({
    data: { userId: p.userId, purpose: p.purpose, email: p.email, tokenHash: hashToken(token), createdAt: now, expiresAt: new Date(now.getTime() + TOKEN_TTL_MS[p.purpose]) },
    select: { id: true },
  });
  return { token, id: row.id };
}

/** Spends a token: the row when it was live (now used), null when unknown, used, expired or of another purpose. */
export async function spendToken(tx: Tx, purpose: TokenPurpose, token: string, now = new Date()) {
  if (!TOKEN_PATTERN.test(token)) return null;
  const tokenHash = hashToken(token);
  const spent = await tx.emailToken.updateMany({ where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  if (spent.count !== 1) return null;
  return tx.emailToken.findUnique({ where: { tokenHash } });
}
