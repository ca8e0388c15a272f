import type { PlanLimits } from "./plans";

/**
 * Which servers a plan no longer covers, pure. After a cancellation or downgrade takes effect (the
 * end of the paid period: Stripe reports the new plan then), the oldest servers that fit the plan
 * stay usable and the newest ones beyond it are stopped until the plan allows them again.
 */
export type PlanServer = { id: string; kind: string; memoryMb: number; createdAt: Date };

export const PLAN_SUSPENSION_PREFIX = "Plan:";

export function serversOverPlan(limits: PlanLimits, servers: PlanServer[]): Map<string, string> {
  const over = new Map<string, string>();
  const kept = { total: 0, game: 0, dev: 0 };
  const sorted = [...servers].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  for (const s of sorted) {
    const kindLimit = s.kind === "game" ? limits.gameServers : limits.devServers;
    const kindCount = s.kind === "game" ? kept.game : kept.dev;
    let why: string | null = null;
    if (s.memoryMb > limits.memoryMbPerServer) why = `it has ${s.memoryMb} MB of memory and your plan allows ${limits.memoryMbPerServer} MB per server`;
    else if (kept.total >= limits.servers) why = `your plan allows ${limits.servers} server${limits.servers === 1 ? "" : "s"} and this is one of the newest beyond that`;
    else if (kindCount >= kindLimit) why = `your plan allows ${kindLimit} ${s.kind} server${kindLimit === 1 ? "" : "s"} and this is one of the newest beyond that`;
    if (why) {
      over.set(s.id, `${PLAN_SUSPENSION_PREFIX} stopped because ${why}. Upgrade on /billing, or delete another server, to start it again.`);
      continue;
    }
    kept.total += 1;
    if (s.kind === "game") kept.game += 1;
    else kept.dev += 1;
  }
  return over;
}
