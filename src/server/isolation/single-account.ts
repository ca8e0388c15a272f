import { TRPCError } from "@trpc/server";
import type { PrismaClient } from "~/generated/prisma/client";

/**
 * The unisolated provider's single account: without isolation every tenant could read every
 * other's files and the portal's secrets, so the portal refuses a second account there.
 */
export const SECOND_ACCOUNT_MESSAGE =
  "This portal runs in unisolated mode (for development without root), where containers are not isolated from each other, so it allows a single account and that account already exists. Run the portal as root with LXC to host more accounts.";

type Db = Pick<PrismaClient, "user">;

/** Before a sign-up: refused when an account exists already. */
export async function assertMayCreateAccount(db: Db, unisolated: boolean): Promise<void> {
  if (!unisolated) return;
  if ((await db.user.count()) > 0) throw new TRPCError({ code: "FORBIDDEN", message: SECOND_ACCOUNT_MESSAGE });
}

/**
 * After a sign-up: two that raced past the check both created an account; all but the oldest are
 * removed again (a new account owns nothing yet) and told why.
 */
export async function keepSingleAccount(db: Db, createdId: string, unisolated: boolean): Promise<void> {
  if (!unisolated) return;
  const first = await db.user.findFirst({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
  if (first && first.id !== createdId) {
    await db.user.delete({ where: { id: createdId } });
    throw new TRPCError({ code: "FORBIDDEN", message: SECOND_ACCOUNT_MESSAGE });
  }
}
