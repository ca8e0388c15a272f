import type { Server } from "../../generated/prisma/client";
import type { ProvisionPayload, ProvisionProgress } from "../../../agent/src/contract";
import type { AgentClient } from "../agent-client";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { agentAccessFor, agentClientFor, encryptPin } from "./agent-for";
import { enrollAgentCertificate } from "../agent-client/enroll";
import { AgentTransportError, agentFetch } from "../agent-client/transport";
import { progressRecorder, recordEvent } from "./events";
import { provisioningRuntime } from "./runtime";
import { decryptToken, encryptToken, generateAgentToken } from "./token-codec";
import { pushKeysToServer } from "../ssh/sync";
import { announce } from "../cluster";

/**
 * The create and delete pipelines the durable jobs run. Every step is idempotent and looks at
 * what exists before acting, so a retried or resumed job continues where the last attempt stopped.
 */
const log = logger.child({ module: "provisioning" });

/** A failure that retrying cannot fix: the job cleans up and records it instead of retrying. */
export class PermanentError extends Error {}

export type JobContext = { signal: AbortSignal; attempt: number; finalAttempt: boolean; jobId?: string };

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => (clearTimeout(t), reject(signal.reason));
    const t = setTimeout(() => (signal.removeEventListener("abort", onAbort), resolve()), ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

async function step<T>(serverId: string, name: string, label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  await recordEvent(serverId, "step", "started", label, { step: name });
  try {
    const out = await fn();
    await recordEvent(serverId, "step", "done", label, { step: name, ms: Date.now() - t0 });
    return out;
  } catch (err) {
    await recordEvent(serverId, "step", "failed", `${label}: ${(err as Error).message}`, { step: name, ms: Date.now() - t0 }).catch(() => {});
    throw err;
  }
}

export function provisionPayloadFor(server: Pick<Server, "kind" | "runtimeId" | "runtimeVersion" | "enableCodeServer" | "gameTemplate" | "memoryMb" | "name">, gamePort: number): ProvisionPayload {
  if (server.kind === "game") {
    if (!server.gameTemplate) throw new PermanentError("a game server needs a game template");
    return {
      kind: "game",
      enableCodeServer: false,
      game: { artifact: { name: server.gameTemplate }, port: gamePort, memoryMb: server.memoryMb, motd: server.name.slice(0, 120), maxPlayers: 20, autoStart: true },
    };
  }
  if (!server.runtimeId) throw new PermanentError("a dev server needs a runtime");
  return {
    kind: "dev",
    runtime: { name: server.runtimeId, ...(server.runtimeVersion ? { version: server.runtimeVersion } : {}) },
    enableCodeServer: server.enableCodeServer,
  };
}

async function reload(serverId: string): Promise<Server> {
  return db.server.findUniqueOrThrow({ where: { id: serverId } });
}

/** Starts the container's agent (rotating its token where the provider can) and waits for /healthz. */
export async function startAgent(server: Server, signal: AbortSignal): Promise<Server> {
  const rt = provisioningRuntime();
  const ref = server.providerRef;
  if (!ref) throw new PermanentError("the server has no container");
  const existing = agentClientFor(server, { retries: 0, timeoutMs: 3_000 });
  if ((await rt.provider.state(ref)) === "running" && existing && (await existing.healthy())) {
    // Adopt a running agent only when it accepts the token we hold.
    const ok = await existing.status({ retries: 0 }).then(() => true, () => false);
    if (ok) return server;
  }
  const art = await rt.artifacts();
  let token: string;
  if (rt.provider.rotatesTokenOnStart || !server.agentTokenEnc) {
    token = generateAgentToken();
  } else {
    token = decryptToken(server.agentTokenEnc, rt.secretKey, server.id);
  }
  const started = await rt.provider.start(ref, { agentToken: token, artifactsUrl: art.url, catalogPublicKey: art.publicKey });
  const updated = await db.server.update({
    where: { id: server.id },
    data: {
      agentUrl: started.agentUrl,
      agentTokenEnc: encryptToken(token, rt.secretKey, server.id),
      sshHost: started.sshHost,
      sshPort: started.sshPort,
      isolated: started.isolated,
      providerRef: started.providerRef,
    },
  });
  return waitHealthy(updated, signal);
}

/**
 * An https agent's certificate, pinned through the token-bound hand-over (agent-client/enroll.ts)
 * when there is no pin yet or the agent now presents another key (a rebuilt container makes a new
 * one): until then the transport refuses it. "not-yet" while the agent is not listening.
 */
async function pinAgentCertificate(server: Server): Promise<Server | "not-yet"> {
  const access = agentAccessFor(server);
  if (!access || !access.endpoint.url.startsWith("https:")) return server;
  if (access.endpoint.pin) {
    const err = await agentFetch(access.endpoint, "/healthz", { signal: AbortSignal.timeout(2_000) }).then(
      (r) => (void r.body?.cancel(), null),
      (e: unknown) => e,
    );
    if (!(err instanceof AgentTransportError && err.code === "PIN_MISMATCH")) return server;
  }
  let pin: string;
  try {
    pin = await enrollAgentCertificate(access.endpoint.url, access.token, 3_000);
  } catch (err) {
    if (err instanceof AgentTransportError && (err.code === "HANDOVER_FAILED" || err.code === "PIN_MISMATCH")) {
      throw new PermanentError(`the agent's TLS certificate could not be verified: ${err.message}`);
    }
    return "not-yet";
  }
  const updated = await db.server.update({ where: { id: server.id }, data: { agentCertPinEnc: encryptPin(pin, server.id) } });
  await recordEvent(server.id, "agent", "done", access.endpoint.pin ? "The agent has a new TLS key; pinned it after its hand-over" : "Pinned the agent's TLS certificate", { fingerprint: pin });
  return updated;
}

async function waitHealthy(initial: Server, signal: AbortSignal): Promise<Server> {
  const rt = provisioningRuntime();
  let server = initial;
  const deadline = Date.now() + rt.agentStartTimeoutMs;
  while (Date.now() < deadline) {
    const pinned = await pinAgentCertificate(server);
    if (pinned !== "not-yet") {
      server = pinned;
      if (await agentClientFor(server)!.healthy(2_000)) return server;
    }
    // An agent process that already exited will not answer: say why now rather than at the deadline.
    if ((await rt.provider.state(server.providerRef!)) !== "running") {
      const why = await rt.provider.diagnostics(server.providerRef!);
      throw new PermanentError(`the agent exited before it answered${why ? `: ${why}` : ""}`);
    }
    await sleep(200, signal);
  }
  const why = await rt.provider.diagnostics(server.providerRef!);
  throw new PermanentError(`the agent did not answer within ${Math.round(rt.agentStartTimeoutMs / 1000)} s${why ? `: ${why}` : ""}`);
}

/** Posts the payload (idempotent on the agent) and follows progress until provisioningComplete. */
async function provisionAndFollow(server: Server, signal: AbortSignal): Promise<void> {
  const rt = provisioningRuntime();
  const client = agentClientFor(server)!;
  const payload = provisionPayloadFor(server, await rt.provider.gamePortOf(server.providerRef!));
  const first = await client.provision(payload, { signal });
  if (first.provisioningComplete) return;
  const record = progressRecorder(server.id);
  const follow = new AbortController();
  const stopFollow = () => follow.abort();
  signal.addEventListener("abort", stopFollow, { once: true });
  // Events give live progress and wake the loop on state changes; /status is the source of truth.
  let wake: () => void = () => {};
  void followQuietly(client, record, () => wake(), follow.signal);
  try {
    const deadline = Date.now() + rt.provisionTimeoutMs;
    while (Date.now() < deadline) {
      const s = await client.status({ signal });
      if (s.progress) record(s.progress);
      if (s.provisioningComplete) return;
      if (s.state === "error") throw new PermanentError(`the agent could not provision: ${s.error ?? s.progress?.message ?? "unknown error"}`);
      await Promise.race([sleep(250, signal), new Promise<void>((r) => (wake = r))]);
    }
    throw new PermanentError(`provisioning did not complete within ${Math.round(rt.provisionTimeoutMs / 1000)} s`);
  } finally {
    signal.removeEventListener("abort", stopFollow);
    follow.abort();
  }
}

async function followQuietly(client: AgentClient, record: (p: ProvisionProgress) => void, onState: () => void, signal: AbortSignal): Promise<void> {
  try {
    await client.followEvents((ev) => {
      if (ev.type === "progress") record(ev);
      if (ev.type === "state") onState();
    }, signal);
  } catch {
    // the stream is a nicety; polling carries on
  }
}

/** "Placed on node pve2 (skipped pve1: node is offline)" for the timeline. */
export function placementMessage(p: { node: string; skipped: { node: string; reason: string }[] }): string {
  const skipped = p.skipped.map((x) => `${x.node}: ${x.reason}`).join("; ");
  return `Placed on node ${p.node}${skipped ? ` (skipped ${skipped})` : ""}`;
}

/** The create job. Returns normally when finished (ready or failed and cleaned up); throws to be retried. */
export async function runCreate(serverId: string, ctx: JobContext): Promise<{ outcome: "ready" | "failed" | "skipped"; reason?: string }> {
  const rt = provisioningRuntime();
  let server = await db.server.findUnique({ where: { id: serverId } });
  if (!server || server.status !== "provisioning") return { outcome: "skipped", reason: `server is ${server?.status ?? "gone"}` };
  await recordEvent(serverId, "job", "started", ctx.attempt === 0 ? "Provisioning started" : `Provisioning resumed (attempt ${ctx.attempt + 1})`, { jobId: ctx.jobId, attempt: ctx.attempt });
  try {
    server = await step(serverId, "container", "Create the container", async () => {
      const s = server!;
      if (s.providerRef && s.agentTokenEnc && (await rt.provider.state(s.providerRef)) !== "missing") return s;
      const art = await rt.artifacts();
      const token = generateAgentToken();
      const c = await rt.provider.create({
        serverId,
        vmid: s.vmid,
        kind: s.kind as "dev" | "game",
        memoryMb: s.memoryMb,
        hostname: `zlh-${s.vmid}`,
        agentToken: token,
        artifactsUrl: art.url,
        catalogPublicKey: art.publicKey,
      });
      if (c.placement) await recordEvent(serverId, "step", "info", placementMessage(c.placement), { step: "container", ...c.placement });
      return db.server.update({
        where: { id: serverId },
        data: {
          providerRef: c.providerRef,
          agentTokenEnc: encryptToken(token, rt.secretKey, serverId),
          // A new container makes a new TLS key: its pin comes from the hand-over at start.
          agentCertPinEnc: null,
          agentUrl: c.agentUrl || null,
          sshHost: c.sshHost,
          sshPort: c.sshPort,
          isolated: c.isolated,
          node: c.placement?.node ?? null,
        },
      });
    });
    server = await step(serverId, "agent", "Start the agent", () => startAgent(server!, ctx.signal));
    await step(serverId, "provision", "Install and configure", () => provisionAndFollow(server!, ctx.signal));
    // The owner's SSH keys: pushed now, then on every change (src/server/ssh/sync.ts).
    if (server.kind === "dev") await step(serverId, "ssh-keys", "Install SSH keys", () => pushKeysToServer(server!));
    // Claimed conditionally: a delete that arrived meanwhile wins.
    const claimed = await db.server.updateMany({ where: { id: serverId, status: "provisioning" }, data: { status: "running", lastError: null } });
    if (claimed.count === 1) await recordEvent(serverId, "job", "done", "Server is ready");
    return { outcome: "ready" };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    // A provider's own "retrying cannot help" (e.g. Proxmox refusing a parameter) counts too.
    const permanent = err instanceof PermanentError || (err as { permanent?: unknown }).permanent === true || ctx.finalAttempt;
    if (!permanent) {
      await recordEvent(serverId, "job", "retrying", `Attempt ${ctx.attempt + 1} failed, retrying: ${(err as Error).message}`).catch(() => {});
      throw err;
    }
    const reason = (err as Error).message;
    await failAndCleanUp(serverId, reason);
    return { outcome: "failed", reason };
  }
}

/** Marks a provisioning failed and removes its container so nothing is left running. */
export async function failAndCleanUp(serverId: string, reason: string): Promise<void> {
  const rt = provisioningRuntime();
  log.warn({ serverId, reason }, "provisioning failed");
  const server = await db.server.findUnique({ where: { id: serverId } });
  if (!server) return;
  if (server.providerRef) {
    try {
      await rt.provider.destroy(server.providerRef);
      await recordEvent(serverId, "step", "done", "Removed the failed container", { step: "cleanup" });
    } catch (err) {
      await recordEvent(serverId, "step", "failed", `Could not remove the container: ${(err as Error).message}`, { step: "cleanup" });
    }
  }
  await db.server.updateMany({
    where: { id: serverId, status: { in: ["provisioning", "starting"] } },
    data: { status: "error", lastError: reason, agentUrl: null, agentTokenEnc: null, agentCertPinEnc: null, providerRef: null },
  });
  await recordEvent(serverId, "job", "failed", `Provisioning failed: ${reason}`);
}

/** The delete job: stop, destroy, mark deleted. Safe to run again at any point. */
export async function runDelete(serverId: string, ctx: JobContext): Promise<{ outcome: "deleted" | "skipped" }> {
  const rt = provisioningRuntime();
  const server = await db.server.findUnique({ where: { id: serverId } });
  if (!server || server.status === "deleted") return { outcome: "skipped" };
  await recordEvent(serverId, "job", "started", ctx.attempt === 0 ? "Deleting" : `Deleting (attempt ${ctx.attempt + 1})`, { jobId: ctx.jobId });
  try {
    if (server.providerRef) {
      const ref = server.providerRef;
      await step(serverId, "stop", "Stop the container", () => rt.provider.stop(ref));
      await announce({ topic: "server.stopped", serverId });
      await step(serverId, "destroy", "Destroy the container", () => rt.provider.destroy(ref));
    }
    await db.server.update({
      where: { id: serverId },
      data: { status: "deleted", agentUrl: null, agentTokenEnc: null, agentCertPinEnc: null, providerRef: null, sshHost: null, sshPort: null },
    });
    await recordEvent(serverId, "job", "done", "Server deleted");
    return { outcome: "deleted" };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    await recordEvent(serverId, "job", ctx.finalAttempt ? "failed" : "retrying", `Delete failed: ${(err as Error).message}`).catch(() => {});
    if (ctx.finalAttempt) await db.server.update({ where: { id: serverId }, data: { status: "error", lastError: `delete failed: ${(err as Error).message}` } });
    throw err;
  }
}
