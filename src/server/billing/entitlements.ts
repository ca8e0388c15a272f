import { TRPCError } from "@trpc/server";
import type { PrismaClient } from "~/generated/prisma/client";
import { db } from "../db/client";
import { billingConfig } from "./config";
import { planById, type PlanId, type PlanLimits } from "./plans";
import { standingOf } from "./standing";
import { assertVerified } from "../account/verification";

/**
 * The one place provisioning asks "may this user do that?". The plan comes from the user's
 * Subscription (kept in step with Stripe by the webhook); without Stripe configured, or without a
 * subscription in good standing, the user has the free plan's limits (see plans.ts, standing.ts).
 */
export type CreateRequest = { kind: "game" | "dev"; memoryMb: number; enableCodeServer: boolean };

type Reader = Pick<PrismaClient, "server" | "subscription">;

export async function planFor(userId: string, now: Date = new Date(), client: Reader = db): Promise<PlanId> {
  const config = billingConfig();
  if (!config.configured) return "free";
  const sub = await client.subscription.findUnique({ where: { userId }, select: { plan: true, status: true, paymentFailedAt: true } });
  return standingOf(sub, now, config.graceDays).plan;
}

export async function limitsFor(userId: string, client: Reader = db): Promise<PlanLimits> {
  return planById(await planFor(userId, new Date(), client)).limits;
}

/** Pure check: why a create would exceed the limits, or null when it fits. */
export function createRefusal(limits: PlanLimits, existing: { game: number; dev: number }, req: CreateRequest): string | null {
  if (existing.game + existing.dev >= limits.servers) return `Your plan allows ${limits.servers} server${limits.servers === 1 ? "" : "s"} in total.`;
  const max = req.kind === "game" ? limits.gameServers : limits.devServers;
  const have = req.kind === "game" ? existing.game : existing.dev;
  if (have >= max) return `Your plan allows ${max} ${req.kind} server${max === 1 ? "" : "s"}.`;
  if (req.memoryMb > limits.memoryMbPerServer) return `Your plan allows ${limits.memoryMbPerServer} MB of memory per server.`;
  if (req.enableCodeServer && !limits.codeServer) return "Your plan does not include the browser IDE.";
  return null;
}

/** The servers a user has that count against the plan (everything not deleted). */
export async function usageFor(userId: string, client: Pick<Reader, "server"> = db): Promise<{ game: number; dev: number }> {
  const rows = await client.server.groupBy({ by: ["kind"], where: { userId, status: { not: "deleted" } }, _count: true });
  const count = (k: string) => rows.find((r) => r.kind === k)?._count ?? 0;
  return { game: count("game"), dev: count("dev") };
}

/** An operator's account suspension (#17) refuses creating and starting servers, saying why. */
async function assertAccountNotSuspended(userId: string): Promise<void> {
  const u = await db.user.findUnique({ where: { id: userId }, select: { suspendedReason: true } });
  if (u?.suspendedReason) throw new TRPCError({ code: "FORBIDDEN", message: `Your account is suspended: ${u.suspendedReason}` });
}

export async function assertCanCreateServer(userId: string, req: CreateRequest, client: Reader = db): Promise<void> {
  await assertAccountNotSuspended(userId);
  const limits = await limitsFor(userId, client);
  const usage = await usageFor(userId, client);
  const why = createRefusal(limits, usage, req);
  if (why) throw new TRPCError({ code: "FORBIDDEN", message: `${why} Upgrade on the billing page: /billing` });
  // Within the plan, an account whose address is not confirmed still keeps to its first server.
  if (usage.game + usage.dev >= 1) await assertVerified(userId, "create another server");
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * The plan check and the insert as one step per user: a transaction holding the user's row lock, so
 * concurrent creates (a batch of twelve in one request) queue behind each other and each one counts
 * the servers the previous ones made. `insert` runs inside the same transaction.
 */
export async function createWithinPlan<T>(userId: string, req: CreateRequest, insert: (tx: Tx) => Promise<T>): Promise<T> {
  // In this process the user's creates also queue in memory first, so a burst holds one database
  // connection at a time instead of the whole pool (the row lock alone would park every request
  // of the burst on a pooled connection); the row lock keeps other portal instances in line.
  return inTurn(userId, () =>
    db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
        await assertCanCreateServer(userId, req, tx);
        return insert(tx);
      },
      { timeout: 30_000, maxWait: 30_000 },
    ),
  );
}

const turns = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call with the same key has settled (a per-key queue). */
function inTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (turns.get(key) ?? Promise.resolve()).then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  turns.set(key, settled);
  void settled.then(() => {
    if (turns.get(key) === settled) turns.delete(key);
  });
  return run;
}

/** Start is refused while a server is suspended (billing sets suspendedReason). */
export async function assertCanStartServer(server: { suspendedReason: string | null; userId?: string }): Promise<void> {
  if (server.userId) await assertAccountNotSuspended(server.userId);
  if (server.suspendedReason) throw new TRPCError({ code: "FORBIDDEN", message: `This server is suspended: ${server.suspendedReason}` });
}
