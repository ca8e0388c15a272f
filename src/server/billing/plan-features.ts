import type { PlanLimits } from "./plans";

/**
 * A plan's feature list, written from its limits and nothing else: every line names the limit the
 * portal enforces for it (plan-features.test.ts checks each one against the enforcement, and fails
 * for a line without one). Product-wide facts (crash recovery, console, files) are not plan
 * features: every plan has them, so they are described on the landing page instead.
 */
export type PlanFeature = { text: string; limit: keyof PlanLimits };

function gb(mb: number): string {
  const v = mb / 1024;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} GB`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function planFeatures(l: PlanLimits): PlanFeature[] {
  const out: PlanFeature[] = [];
  if (l.servers <= Math.min(l.gameServers, l.devServers)) {
    out.push({ text: `${plural(l.servers, "server")} (game or dev)`, limit: "servers" });
  } else {
    out.push({ text: `${plural(l.gameServers, "game server")}`, limit: "gameServers" });
    out.push({ text: `${plural(l.devServers, "dev container")}`, limit: "devServers" });
  }
  out.push({ text: `${gb(l.memoryMbPerServer)} memory per server`, limit: "memoryMbPerServer" });
  if (l.codeServer) out.push({ text: "VS Code in the browser on dev containers", limit: "codeServer" });
  return out;
}
