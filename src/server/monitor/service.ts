import { TRPCError } from "@trpc/server";
import {
  codeServerStatusSchema,
  crashListSchema,
  gameStatusSchema,
  type AgentStatus,
  type CodeServerStatus,
  type ContainerStats,
  type CrashRecord,
  type GameStatus,
  type ProvisionProgress,
} from "../../../agent/src/contract";
import type { Server } from "../../generated/prisma/client";
import { db } from "../db/client";
import { agentFetch } from "../files/agent-fetch";
import { toTRPCError } from "../files/service";
import { agentClientFor, getServerForUser, toPublic, type PublicServer } from "../provisioning/service";
import { readingFrom, readingFromContainer, SampleRing, type Sample } from "./samples";

/**
 * What the dashboard and the server page show live: the server row, a summary of its agent's
 * /status, and CPU/memory samples of the container (its cgroup), or of the agent process where the
 * provider has no container cgroup (unisolated). Samples are taken when a page asks (at
 * most one per server every MIN_SAMPLE_MS) and kept in a small in-memory ring per server in this
 * portal process: a restart of the portal starts the charts afresh.
 */
const MIN_SAMPLE_MS = 2_000;
const g = globalThis as unknown as { __zlhSampleRings?: Map<string, SampleRing> };
const rings = (g.__zlhSampleRings ??= new Map());

export type LiveSummary = {
  reachable: boolean;
  error: string | null;
  agentState: AgentStatus["state"] | null;
  provisioningComplete: boolean;
  /** The agent's uptime (container up time for dev servers). */
  agentUptimeSeconds: number | null;
  progress: ProvisionProgress | null;
  game: GameStatus | null;
  codeServer: CodeServerStatus | null;
  runtimes: AgentStatus["runtimes"];
  /** The container's own figures (cgroup); null on the unisolated provider. */
  container: ContainerStats | null;
};

export type ServerLive = { server: PublicServer; live: LiveSummary; samples: Sample[] };

const LIVE_STATES = ["running", "provisioning", "starting", "error"];

async function liveOf(s: Server): Promise<ServerLive> {
  const empty: LiveSummary = { reachable: false, error: null, agentState: null, provisioningComplete: false, agentUptimeSeconds: null, progress: null, game: null, codeServer: null, runtimes: [], container: null };
  const client = LIVE_STATES.includes(s.status) ? agentClientFor(s, { retries: 0, timeoutMs: 3_000 }) : null;
  const ring = rings.get(s.id);
  if (!client) return { server: toPublic(s), live: empty, samples: ring?.list() ?? [] };
  const now = Date.now();
  const wantSample = s.status === "running" && (!ring?.lastAt || now - ring.lastAt >= MIN_SAMPLE_MS);
  // The agent process's own figures are only the fallback (no container cgroup): skip /metrics once
  // the agent is known to answer its container's.
  const wantAgentFigures = wantSample && ring?.source !== "container";
  const [status, metrics] = await Promise.allSettled([
    client.status({ retries: 0, timeoutMs: 3_000 }),
    wantAgentFigures ? agentFetch(s, "/metrics", { signal: AbortSignal.timeout(3_000) }).then((r) => (r.ok ? r.text() : null)) : Promise.resolve(null),
  ]);
  const container = status.status === "fulfilled" ? (status.value.container ?? null) : null;
  const reading = container ? readingFromContainer(container, now) : metrics.status === "fulfilled" && metrics.value ? readingFrom(metrics.value, now) : null;
  if (wantSample && reading) {
    let r = rings.get(s.id);
    if (!r) rings.set(s.id, (r = new SampleRing(60)));
    r.useSource(container ? "container" : "agent");
    r.push(reading);
  }
  const samples = rings.get(s.id)?.list() ?? [];
  if (status.status === "rejected") return { server: toPublic(s), live: { ...empty, error: (status.reason as Error).message }, samples };
  const a = status.value;
  const game = gameStatusSchema.safeParse(a.game);
  const cs = codeServerStatusSchema.safeParse(a.codeServer);
  return {
    server: toPublic(s),
    live: {
      reachable: true,
      error: a.error ?? null,
      agentState: a.state,
      provisioningComplete: a.provisioningComplete,
      agentUptimeSeconds: a.uptimeSeconds,
      progress: a.progress ?? null,
      game: game.success ? game.data : null,
      codeServer: cs.success ? cs.data : null,
      runtimes: a.runtimes,
      container: a.container ?? null,
    },
    samples,
  };
}

export async function dashboard(userId: string): Promise<ServerLive[]> {
  const rows = await db.server.findMany({ where: { userId, status: { not: "deleted" } }, orderBy: { createdAt: "asc" } });
  return Promise.all(rows.map(liveOf));
}

export async function serverLive(userId: string, serverId: string): Promise<ServerLive> {
  return liveOf(await getServerForUser(userId, serverId));
}

/** The game's crash records, newest first (empty for dev servers and servers that are not running). */
export async function crashHistory(userId: string, serverId: string): Promise<CrashRecord[]> {
  const s = await getServerForUser(userId, serverId);
  if (s.kind !== "game" || !LIVE_STATES.includes(s.status)) return [];
  const client = agentClientFor(s, { retries: 0, timeoutMs: 5_000 });
  if (!client) return [];
  try {
    return (await client.request("GET", "/game/crashes", crashListSchema)).crashes;
  } catch (err) {
    if (err instanceof TRPCError) throw err;
    throw toTRPCError(err);
  }
}
