import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { fingerprintOf } from "../../../agent/src/tls/certificate";
import type { Provider } from "./providers/types";

useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { startAgent } = await import("./pipeline");
const { runtimeFromEnv, setProvisioningRuntime, provisioningRuntime } = await import("./runtime");
const { agentAccessFor, agentClientFor } = await import("./agent-for");
const { encryptToken } = await import("./token-codec");

/**
 * Starting a server whose agent speaks TLS (as on Proxmox): the pipeline pins the certificate the
 * agent made through the hand-over, keeps it across starts, and after the container's key changes
 * (a rebuild) refuses the old pin and records the new one only through the hand-over. A provider
 * stand-in hands out the address of a real agent process started with --tls-dir.
 */
let artifacts: TestArtifactServer;
let agent: AgentProcess;
let userId: string;

beforeAll(async () => {
  artifacts = await startTestArtifactServer();
  agent = await startAgentProcess({ artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey, tls: true });
  const provider: Provider = {
    name: "proxmox",
    rotatesTokenOnStart: false,
    nextVmid: async (n) => n,
    create: async () => { throw new Error("not used"); },
    start: async (ref) => ({ agentUrl: agent.url, sshHost: null, sshPort: null, gamePort: 25565, isolated: true, providerRef: ref }),
    stop: async () => {},
    state: async () => "running",
    destroy: async () => {},
    gamePortOf: async () => 25565,
    diagnostics: async () => "",
  };
  setProvisioningRuntime({ ...runtimeFromEnv({ ...process.env, ZLH_ARTIFACTS_URL: artifacts.url }), provider, agentStartTimeoutMs: 20_000 });
  userId = (await db.user.create({ data: { email: `pin-${randomUUID()}@example.test`, passwordHash: "x" } })).id;
}, 60_000);

afterAll(async () => {
  setProvisioningRuntime(undefined);
  await db.user.delete({ where: { id: userId } }).catch(() => {});
  await agent?.dispose();
  await artifacts?.close();
  await closeDb();
});

const certOnDisk = () => fingerprintOf(readFileSync(path.join(agent.root, "tls", "cert.pem"), "utf8"));

describe("pipeline: pinned agent certificates", () => {
  it("pins at the first start, keeps the pin, and re-pins a rebuilt container's new key only through the hand-over", async () => {
    const created = await db.server.create({
      data: { userId, name: "tls", kind: "dev", vmid: 800_000 + Math.floor(Math.random() * 1_000_000), provider: "proxmox", status: "starting", runtimeId: "node", providerRef: "{}" },
    });
    const server = await db.server.update({ where: { id: created.id }, data: { agentTokenEnc: encryptToken(agent.token, provisioningRuntime().secretKey, created.id) } });

    const first = await startAgent(server, AbortSignal.timeout(30_000));
    expect(first.agentUrl).toBe(agent.url);
    expect(agentAccessFor(first)!.endpoint.pin).toBe(certOnDisk());
    expect(first.agentCertPinEnc).not.toContain(certOnDisk());

    const again = await startAgent(first, AbortSignal.timeout(30_000));
    expect(again.agentCertPinEnc).toBe(first.agentCertPinEnc);

    await agent.stop();
    rmSync(path.join(agent.root, "tls"), { recursive: true, force: true });
    await agent.restart();
    // Until the hand-over runs, the stored pin refuses the agent.
    expect(await agentClientFor(again, { retries: 0 })!.healthy()).toBe(false);
    const rebuilt = await startAgent(again, AbortSignal.timeout(30_000));
    expect(agentAccessFor(rebuilt)!.endpoint.pin).toBe(certOnDisk());
    expect(agentAccessFor(rebuilt)!.endpoint.pin).not.toBe(agentAccessFor(again)!.endpoint.pin);
    const events = await db.serverEvent.findMany({ where: { serverId: server.id, type: "agent" } });
    expect(events.map((e) => e.message)).toEqual(["Pinned the agent's TLS certificate", "The agent has a new TLS key; pinned it after its hand-over"]);

    // A token the agent does not hold: the hand-over fails and the start says why, for good.
    const wrong = await db.server.update({ where: { id: server.id }, data: { agentCertPinEnc: null, agentTokenEnc: encryptToken("x".repeat(48), provisioningRuntime().secretKey, server.id) } });
    await expect(startAgent(wrong, AbortSignal.timeout(30_000))).rejects.toThrow(/TLS certificate could not be verified: the agent could not prove/);
  }, 90_000);
});
