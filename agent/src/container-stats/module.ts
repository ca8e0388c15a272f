import type { AgentContext } from "../context";
import { ContainerStatsReader } from "./read";

/**
 * The "container" section of /status (contract/container-stats.ts). Only in a real container (the
 * agent's root is "/"): on the unisolated provider the agent's cgroup is the portal's, and its
 * figures would describe the wrong thing, so the section is null there.
 */
export function registerContainerStats(ctx: AgentContext): void {
  const reader = ctx.config.root === "/" ? new ContainerStatsReader() : null;
  ctx.addStatus("container", () => reader?.read() ?? null);
}
