import { TRPCError } from "@trpc/server";
import { db } from "../db/client";
import { planById, type PlanId, type PlanLimits } from "./plans";

/**
 * The one place provisioning asks "may this user do that?". Until billing knows a user's paid plan,
 * everyone is on the free plan's limits (see plans.ts).
 */
export type CreateRequest = { kind: "game" | "dev"; memoryMb: number; enableCodeServer: boolean };

export async function planFor(_userId: string): Promise<PlanId> {
  return "free";
}

export async function limitsFor(userId: string): Promise<PlanLimits> {
  return planById(await planFor(userId)).limits;
}

/** Pure check: why a create would exceed the limits, or null when it fits. */
export function createRefusal(limits: PlanLimits, existing: { game: number; dev: number }, req: CreateRequest): string | null {
  const max = req.kind === "game" ? limits.gameServers : limits.devServers;
  const have = req.kind === "game" ? existing.game : existing.dev;
  if (have >= max) return `Your plan allows ${max} ${req.kind} server${max === 1 ? "" : "s"}.`;
  if (req.memoryMb > limits.memoryMbPerServer) return `Your plan allows ${limits.memoryMbPerServer} MB of memory per server.`;
  if (req.enableCodeServer && !limits.codeServer) return "Your plan does not include the browser IDE.";
  return null;
}

export async function assertCanCreateServer(userId: string, req: CreateRequest): Promise<void> {
  const limits = await limitsFor(userId);
  const rows = await db.server.groupBy({ by: ["kind"], where: { userId, status: { not: "deleted" } }, _count: true });
  const count = (k: string) => rows.find((r) => r.kind === k)?._count ?? 0;
  const why = createRefusal(limits, { game: count("game"), dev: count("dev") }, req);
  if (why) throw new TRPCError({ code: "FORBIDDEN", message: `${why} Upgrade on the billing page: /billing` });
}

/** Start is refused while a server is suspended (billing sets suspendedReason). */
export async function assertCanStartServer(server: { suspendedReason: string | null }): Promise<void> {
  if (server.suspendedReason) throw new TRPCError({ code: "FORBIDDEN", message: `This server is suspended: ${server.suspendedReason}` });
}
