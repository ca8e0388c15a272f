import { TRPCError } from "@trpc/server";
import type { Server } from "../../generated/prisma/client";
import { Prisma } from "../../generated/prisma/client";
import { powerActionResponseSchema, type AgentStatus, type PowerAction } from "../../../agent/src/contract";
import { isAgentError } from "../agent-client";
import { loadCatalog } from "../artifacts/index";
import { assertCanCreateServer, assertCanStartServer, createWithinPlan } from "../billing/entitlements";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { agentClientFor } from "./agent-for";
import { pickVersion, runtimeCatalogView, type RuntimeCatalog } from "./catalog-view";
import { recordEvent } from "./events";
import { CREATE_QUEUE, DELETE_QUEUE, enqueue } from "./jobs";
import { provisionPayloadFor, startAgent } from "./pipeline";
import { provisioningRuntime } from "./runtime";
import { allowedFrom, refusal, type ServerAction } from "./status-policy";
import { pushKeysToServer } from "../ssh/sync";
import { announce } from "../cluster";

/**
 * Provisioning's service functions: what the servers router calls (one call per procedure) and
 * what other areas use (billing suspends through stopServerAsSystem, the console relay and the
 * IDE get agent clients through agentClientFor). Ownership is checked here, once.
 */
export { agentClientFor } from "./agent-for";

const log = logger.child({ module: "provisioning.service" });

/** A server as the portal shows it: never the token or the provider's internals. */
export type PublicServer = Omit<Server, "agentTokenEnc" | "providerRef">;

export function toPublic(s: Server): PublicServer {
  const { agentTokenEnc: _t, providerRef: _r, ...rest } = s;
  return rest;
}

export type CreateServerInput = {
  kind: "dev" | "game";
  name: string;
  runtimeId?: string;
  runtimeVersion?: string;
  gameTemplate?: string;
  enableCodeServer: boolean;
  memoryMb: number;
};

/** The server when it belongs to the user (deleted ones included, for their timeline); NOT_FOUND otherwise. */
export async function getServerForUser(userId: string, serverId: string): Promise<Server> {
  const s = await db.server.findFirst({ where: { id: serverId, userId } });
  if (!s) throw new TRPCError({ code: "NOT_FOUND", message: "No such server." });
  return s;
}

export async function runtimeCatalog(): Promise<RuntimeCatalog> {
  try {
    return runtimeCatalogView(await loadCatalog());
  } catch (err) {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: `The artifact catalog is unavailable: ${(err as Error).message}` });
  }
}

const VMID_BASE = 6000;

export async function createServer(userId: string, input: CreateServerInput): Promise<PublicServer> {
  const request = { kind: input.kind, memoryMb: input.memoryMb, enableCodeServer: input.enableCodeServer };
  // Early answer for the common refusal (no catalog fetch); the binding check is createWithinPlan below.
  await assertCanCreateServer(userId, request);
  const cat = await runtimeCatalog();
  let runtimeId: string | null = null;
  let runtimeVersion: string | null = null;
  let gameTemplate: string | null = null;
  if (input.kind === "dev") {
    if (!input.runtimeId) throw new TRPCError({ code: "BAD_REQUEST", message: "Choose a runtime." });
    const pick = pickVersion(cat.runtimes, input.runtimeId, input.runtimeVersion);
    if ("error" in pick) throw new TRPCError({ code: "BAD_REQUEST", message: pick.error });
    runtimeId = input.runtimeId;
    runtimeVersion = pick.version;
  } else {
    if (!input.gameTemplate) throw new TRPCError({ code: "BAD_REQUEST", message: "Choose a game." });
    if (input.enableCodeServer) throw new TRPCError({ code: "BAD_REQUEST", message: "The browser IDE is for dev servers." });
    const pick = pickVersion(cat.games, input.gameTemplate, undefined);
    if ("error" in pick) throw new TRPCError({ code: "BAD_REQUEST", message: pick.error });
    gameTemplate = input.gameTemplate;
  }
  const rt = provisioningRuntime();
  let server: Server | undefined;
  // vmids are unique in the database; two creates racing for the same one: the loser takes the next
  // (a fresh transaction per attempt: a failed insert aborts the one it ran in).
  for (let attempt = 0; attempt < 10 && !server; attempt++) {
    try {
      server = await createWithinPlan(userId, request, async (tx) => {
        const top = await tx.server.aggregate({ _max: { vmid: true } });
        const vmid = await rt.provider.nextVmid(Math.max(VMID_BASE, (top._max.vmid ?? VMID_BASE - 1) + 1 + attempt));
        return tx.server.create({
          data: {
            userId, name: input.name, kind: input.kind, vmid, provider: rt.provider.name, status: "provisioning",
            runtimeId, runtimeVersion, gameTemplate, enableCodeServer: input.enableCodeServer, memoryMb: input.memoryMb,
          },
        });
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") continue;
      throw err;
    }
  }
  if (!server) throw new TRPCError({ code: "CONFLICT", message: "Could not allocate a container id; try again." });
  await recordEvent(server.id, "action", "info", `Server created (vmid ${server.vmid}, ${rt.provider.name} provider)`);
  try {
    await enqueue(CREATE_QUEUE, server.id);
  } catch (err) {
    // Left in provisioning: the sweeper queues it once the job queue is back.
    log.error({ err, serverId: server.id }, "could not queue provisioning");
  }
  return toPublic(server);
}

export async function listServers(userId: string): Promise<PublicServer[]> {
  const rows = await db.server.findMany({ where: { userId, status: { not: "deleted" } }, orderBy: { createdAt: "asc" } });
  return rows.map(toPublic);
}

export async function getServer(userId: string, serverId: string): Promise<PublicServer> {
  return toPublic(await getServerForUser(userId, serverId));
}

export type ServerLiveStatus = {
  server: PublicServer;
  /** The agent's GET /status, when the container runs and its agent answers. */
  agent: AgentStatus | null;
  /** Why the agent could not be asked, when it could not. */
  agentError: string | null;
  isolated: boolean;
};

export async function serverStatus(userId: string, serverId: string): Promise<ServerLiveStatus> {
  const s = await getServerForUser(userId, serverId);
  const client = ["running", "provisioning", "starting", "error"].includes(s.status) ? agentClientFor(s, { retries: 0, timeoutMs: 3_000 }) : null;
  let agent: AgentStatus | null = null;
  let agentError: string | null = null;
  if (client) {
    try {
      agent = await client.status();
    } catch (err) {
      agentError = isAgentError(err) ? err.message : `agent status failed: ${(err as Error).message}`;
    }
  }
  return { server: toPublic(s), agent, agentError, isolated: s.isolated };
}

export async function serverEvents(userId: string, serverId: string, opts: { after?: Date; limit?: number } = {}) {
  await getServerForUser(userId, serverId);
  return db.serverEvent.findMany({
    where: { serverId, ...(opts.after ? { createdAt: { gt: opts.after } } : {}) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: opts.limit ?? 500,
    select: { id: true, type: true, status: true, message: true, data: true, createdAt: true },
  });
}

/** Moves a server from one of the action's allowed states to `to`, or refuses with the reason. */
async function claim(s: Server, action: ServerAction, to: string): Promise<void> {
  const why = refusal(action, s.status);
  if (why) throw new TRPCError({ code: "CONFLICT", message: why });
  const r = await db.server.updateMany({ where: { id: s.id, status: { in: [...allowedFrom(action)] } }, data: { status: to } });
  if (r.count !== 1) throw new TRPCError({ code: "CONFLICT", message: "The server changed state meanwhile; try again." });
}

async function doStart(s: Server): Promise<Server> {
  const rt = provisioningRuntime();
  if (!s.providerRef) throw new TRPCError({ code: "CONFLICT", message: "This server has no container (its provisioning failed); delete it and create a new one." });
  try {
    const started = await startAgent({ ...s, status: "starting" }, AbortSignal.timeout(rt.agentStartTimeoutMs + 10_000));
    // The agent keeps its provisioned state on disk; the same payload again is a no-op that also
    // brings an auto-starting game back up.
    const client = agentClientFor(started)!;
    await client.provision(provisionPayloadFor(started, await rt.provider.gamePortOf(started.providerRef!)));
    if (started.kind === "dev") await pushKeysToServer(started);
    // One commit, so whoever reads "running" also finds "Started" on the timeline (SSH wake prints both).
    const [done] = await db.$transaction([
      db.server.update({ where: { id: s.id }, data: { status: "running", lastError: null } }),
      db.serverEvent.create({ data: { serverId: s.id, type: "action", status: "done", message: "Started" } }),
    ]);
    return done;
  } catch (err) {
    const reason = (err as Error).message;
    await db.server.update({ where: { id: s.id }, data: { status: "error", lastError: `start failed: ${reason}` } });
    await recordEvent(s.id, "action", "failed", `Start failed: ${reason}`);
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `Start failed: ${reason}` });
  }
}

async function doStop(s: Server): Promise<Server> {
  const rt = provisioningRuntime();
  if (s.providerRef) await rt.provider.stop(s.providerRef);
  const done = await db.server.update({ where: { id: s.id }, data: { status: "stopped" } });
  await recordEvent(s.id, "action", "done", "Stopped");
  // Consoles and IDE connections to it close on every portal instance.
  await announce({ topic: "server.stopped", serverId: s.id });
  return done;
}

export async function startServer(userId: string, serverId: string): Promise<PublicServer> {
  const s = await getServerForUser(userId, serverId);
  await assertCanStartServer(s);
  await claim(s, "start", "starting");
  await recordEvent(s.id, "action", "started", "Starting");
  return toPublic(await doStart(s));
}

export async function stopServer(userId: string, serverId: string): Promise<PublicServer> {
  const s = await getServerForUser(userId, serverId);
  await claim(s, "stop", "stopping");
  await recordEvent(s.id, "action", "started", "Stopping");
  return toPublic(await doStop(s));
}

export async function restartServer(userId: string, serverId: string): Promise<PublicServer> {
  const s = await getServerForUser(userId, serverId);
  await assertCanStartServer(s);
  await claim(s, "restart", "stopping");
  await recordEvent(s.id, "action", "started", "Restarting");
  const stopped = await doStop(s);
  await db.server.update({ where: { id: s.id }, data: { status: "starting" } });
  return toPublic(await doStart(stopped));
}

/** Game power actions through the agent (start/stop/restart/kill of the game process only). */
export async function gamePower(userId: string, serverId: string, action: PowerAction) {
  const s = await getServerForUser(userId, serverId);
  if (s.kind !== "game") throw new TRPCError({ code: "BAD_REQUEST", message: "This is not a game server." });
  const why = refusal("gameAction", s.status);
  if (why) throw new TRPCError({ code: "CONFLICT", message: why });
  if (action === "start" || action === "restart") await assertCanStartServer(s);
  const client = agentClientFor(s);
  if (!client) throw new TRPCError({ code: "CONFLICT", message: "The server's agent is not available." });
  try {
    const r = await client.request("POST", `/game/${action}`, powerActionResponseSchema, { idempotent: false });
    await recordEvent(s.id, "action", "info", `Game ${action} requested`);
    return r;
  } catch (err) {
    if (isAgentError(err) && "status" in err && err.status === 409) throw new TRPCError({ code: "CONFLICT", message: err.agentMessage });
    throw new TRPCError({ code: "BAD_GATEWAY", message: (err as Error).message });
  }
}

export async function deleteServer(userId: string, serverId: string): Promise<PublicServer> {
  const s = await getServerForUser(userId, serverId);
  await claim(s, "delete", "deleting");
  await recordEvent(s.id, "action", "started", "Delete requested");
  await enqueue(DELETE_QUEUE, s.id);
  return toPublic({ ...s, status: "deleting" });
}

/**
 * Billing's lever: suspends a server (start refused while suspendedReason is set) and stops its
 * container. Idempotent; a server mid-provisioning is suspended and stopped when it settles.
 */
export async function stopServerAsSystem(serverId: string, reason: string): Promise<void> {
  const s = await db.server.update({ where: { id: serverId }, data: { suspendedReason: reason } });
  await recordEvent(serverId, "action", "info", `Suspended: ${reason}`);
  if (!["running", "starting", "error"].includes(s.status)) return;
  const r = await db.server.updateMany({ where: { id: serverId, status: { in: ["running", "starting", "error"] } }, data: { status: "stopping" } });
  if (r.count === 1) await doStop(s);
}

/** Clears a suspension (billing calls it when the account is in good standing again). */
export async function unsuspendServerAsSystem(serverId: string): Promise<void> {
  await db.server.update({ where: { id: serverId }, data: { suspendedReason: null } });
  await recordEvent(serverId, "action", "info", "Suspension lifted");
}
