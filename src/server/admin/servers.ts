import os from "node:os";
import { TRPCError } from "@trpc/server";
import { recordAudit } from "../audit/audit";
import { db } from "../db/client";
import { agentFetch } from "../files/agent-fetch";
import { readingFrom } from "../monitor/samples";
import { startServer, stopServer } from "../provisioning/service";

/**
 * Servers across all users for the operator: state, provider, node, resource use (the agent's own
 * memory and CPU time, read from its /metrics with a short timeout so one dead agent cannot stall
 * the page), and stop/start through the same service functions the owner's buttons use.
 */
export type AdminServer = {
  id: string;
  name: string;
  kind: string;
  status: string;
  provider: string;
  node: string;
  vmid: number;
  owner: { id: string; email: string };
  memoryMb: number;
  suspendedReason: string | null;
  lastError: string | null;
  usage: { rssBytes: number; cpuSeconds: number } | null;
  createdAt: Date;
};

const METRICS_TIMEOUT_MS = 1_500;

function nodeOf(provider: string): string {
  return provider === "proxmox" ? (process.env.ZLH_PROXMOX_NODE ?? "proxmox") : os.hostname();
}

export async function listAllServers(input: { status?: string; query?: string; take?: number }): Promise<AdminServer[]> {
  const rows = await db.server.findMany({
    where: {
      ...(input.status ? { status: input.status } : { status: { not: "deleted" } }),
      ...(input.query ? { OR: [{ name: { contains: input.query, mode: "insensitive" as const } }, { user: { email: { contains: input.query, mode: "insensitive" as const } } }] } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: input.take ?? 100,
    include: { user: { select: { id: true, email: true } } },
  });
  return Promise.all(
    rows.map(async (s) => {
      let usage: AdminServer["usage"] = null;
      if (s.status === "running") {
        const text = await agentFetch(s, "/metrics", { signal: AbortSignal.timeout(METRICS_TIMEOUT_MS) })
          .then((r) => (r.ok ? r.text() : null))
          .catch(() => null);
        const reading = text ? readingFrom(text, Date.now()) : null;
        if (reading) usage = { rssBytes: reading.rssBytes, cpuSeconds: reading.cpuSeconds };
      }
      return {
        id: s.id, name: s.name, kind: s.kind, status: s.status, provider: s.provider, node: nodeOf(s.provider), vmid: s.vmid,
        owner: s.user, memoryMb: s.memoryMb, suspendedReason: s.suspendedReason, lastError: s.lastError, usage, createdAt: s.createdAt,
      };
    }),
  );
}

export async function adminServerPower(actor: { id: string; ip: string | null }, serverId: string, action: "start" | "stop"): Promise<{ status: string }> {
  const s = await db.server.findUnique({ where: { id: serverId }, select: { id: true, userId: true, name: true } });
  if (!s) throw new TRPCError({ code: "NOT_FOUND", message: "No such server." });
  const r = action === "start" ? await startServer(s.userId, s.id) : await stopServer(s.userId, s.id);
  await recordAudit({ actorId: actor.id, action: action === "start" ? "admin.server_start" : "admin.server_stop", targetType: "server", targetId: s.id, ip: actor.ip, data: { name: s.name, owner: s.userId } });
  return { status: r.status };
}
