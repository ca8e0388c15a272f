import { TRPCError } from "@trpc/server";
import { db } from "../db/client";
import { billingConfig } from "./config";
import { planById, type PlanId, type PlanLimits } from "./plans";
import { standingOf } from "./standing";

/**
 * The one place provisioning asks "may this user do that?". The plan comes from the user's
 * Subscription (kept in step with Stripe by the webhook); without Stripe configured, or without a
 * subscription in good standing, the user has the free plan's limits (see plans.ts, standing.ts).
 */
export type CreateRequest = { kind: "game" | "dev"; memoryMb: number; enableCodeServer: boolean };

export async function planFor(userId: string, now: Date = new Date()): Promise<PlanId> {
  const config = billingConfig();
  if (!config.configured) return "free";
  const sub = await db.subscription.findUnique({ where: { userId }, select: { plan: true, status: true, paymentFailedAt: true } });
  return standingOf(sub, now, config.graceDays).plan;
}

export async function limitsFor(userId: string): Promise<PlanLimits> {
  return planById(await planFor(userId)).limits;
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
export async function usageFor(userId: string): Promise<{ game: number; dev: number }> {
  const rows = await db.server.groupBy({ by: ["kind"], where: { userId, status: { not: "deleted" } }, _count: true });
  const count = (k: string) => rows.find((r) => r.kind === k)?._count ?? 0;
  return { game: count("game"), dev: count("dev") };
}

export async function assertCanCreateServer(userId: string, req: CreateRequest): Promise<void> {
  const limits = await limitsFor(userId);
  const why = createRefusal(limits, await usageFor(userId), req);
  if (why) throw new TRPCError({ code: "FORBIDDEN", message: `${why} Upgrade on the billing page: /billing` });
}

/** Start is refused while a server is suspended (billing sets suspendedReason). */
export async function assertCanStartServer(server: { suspendedReason: string | null }): Promise<void> {
  if (server.suspendedReason) throw new TRPCError({ code: "FORBIDDEN", message: `This server is suspended: ${server.suspendedReason}` });
}
