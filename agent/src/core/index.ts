import { Gauge } from "prom-client";
import type { AgentContext } from "../context";
import { agentStates, type AgentStatus } from "../contract/status";
import type { AgentEvent } from "../contract/events";
import { provisionPayloadSchema } from "../contract/provision";
import { getCatalogClient } from "../artifacts/catalog-client";
import { abortAllInstalls, cleanStaleInstalls } from "../artifacts/install-locks";
import { devUser } from "../devenv/user";
import { getRuntimeManager, listInstalled } from "../runtimes";
import { AGENT_VERSION } from "../version";
import { Provisioner } from "./provisioner";
import { registerEventStream } from "./events";

export { loadSavedProvision, type SavedProvision } from "./provision-state";

/** Emitted on ctx.events by main.ts once every module is registered and the agent listens. */
export const AGENT_STARTED = "started";

/**
 * The agent core: GET /status, GET /metrics, GET /events, POST /provision, and the start-up clean-up
 * of installs a killed agent left behind. Registered first.
 */
export async function coreModule(ctx: AgentContext): Promise<void> {
  if (ctx.config.token.length < 16) ctx.log.warn("the agent token is shorter than 16 characters; use a long random one");
  await cleanStaleInstalls(ctx);
  const provisioner = new Provisioner(ctx, getRuntimeManager(ctx));
  await provisioner.load();
  ctx.events.once(AGENT_STARTED, () => provisioner.start());

  /** Core fields are read before the sections are awaited, so the answer is one consistent moment. */
  const status = async (): Promise<AgentStatus> => {
    const { gid: _gid, ...user } = devUser(ctx);
    const core = {
      agentVersion: AGENT_VERSION,
      uptimeSeconds: Math.round(process.uptime()),
      state: provisioner.state,
      ...(provisioner.state === "error" && provisioner.error ? { error: provisioner.error } : {}),
      provisioningComplete: provisioner.complete,
      ...(provisioner.payload ? { kind: provisioner.payload.kind } : {}),
      devUser: user,
      runtimes: listInstalled(ctx),
      ...(provisioner.progress ? { progress: provisioner.progress } : {}),
      catalogVerified: getCatalogClient(ctx).verified,
    };
    return { ...(await ctx.collectStatus()), ...core };
  };

  ctx.router.get("/status", async ({ send }) => send(200, await status()));

  ctx.router.post("/provision", async ({ json, send }) => {
    const payload = await json(provisionPayloadSchema, 64 * 1024);
    const started = provisioner.submit(payload);
    send(started ? 202 : 200, await status());
  });

  new Gauge({
    name: "zlh_agent_state",
    help: "Agent state (1 for the current one)",
    labelNames: ["state"] as const,
    registers: [ctx.metrics],
    collect() {
      for (const s of agentStates) this.set({ state: s }, s === provisioner.state ? 1 : 0);
    },
  });
  new Gauge({
    name: "zlh_agent_provisioning_complete",
    help: "1 once provisioning finished",
    registers: [ctx.metrics],
    collect() {
      this.set(provisioner.complete ? 1 : 0);
    },
  });
  new Gauge({
    name: "zlh_agent_runtimes_installed",
    help: "Installed runtime versions",
    registers: [ctx.metrics],
    collect() {
      this.set(listInstalled(ctx).length);
    },
  });
  ctx.router.get("/metrics", async ({ res }) => {
    const body = await ctx.metrics.metrics();
    res.writeHead(200, { "content-type": ctx.metrics.contentType, "content-length": Buffer.byteLength(body) });
    res.end(body);
  });

  const closeStreams = registerEventStream(ctx, () => {
    const first: AgentEvent[] = [
      { type: "state", state: provisioner.state, provisioningComplete: provisioner.complete, ...(provisioner.state === "error" && provisioner.error ? { error: provisioner.error } : {}) },
    ];
    if (provisioner.progress) first.push({ type: "progress", ...provisioner.progress });
    return first;
  });

  ctx.onShutdown(async () => {
    await provisioner.stop();
    await abortAllInstalls(ctx);
    closeStreams();
  });
}
