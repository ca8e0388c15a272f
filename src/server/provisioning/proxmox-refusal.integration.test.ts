import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startFakeProxmox, type FakeProxmox } from "../../../test/fakes/proxmox";

useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { runCreate } = await import("./pipeline");
const { runtimeFromEnv, setProvisioningRuntime } = await import("./runtime");

/**
 * A create the real Proxmox VE API would refuse (here: a bridge name its schema does not allow)
 * ends the provisioning at once with an error that names the parameter, instead of being retried:
 * the create job against the schema-validated fake and the real database.
 */
let pve: FakeProxmox;
let userId: string;

beforeAll(async () => {
  pve = await startFakeProxmox();
  setProvisioningRuntime(
    runtimeFromEnv({
      ...process.env,
      ZLH_PROVIDER: "proxmox",
      ZLH_PROXMOX_URL: pve.url,
      ZLH_PROXMOX_TOKEN_ID: pve.tokenId,
      ZLH_PROXMOX_TOKEN_SECRET: pve.tokenSecret,
      ZLH_PROXMOX_NODE: pve.node,
      ZLH_PROXMOX_TEMPLATE: "local:vztmpl/zlh-agent.tar.zst",
      ZLH_PROXMOX_STORAGE: "local-lvm",
      ZLH_PROXMOX_BRIDGE: "vmbr 0",
      ZLH_PORTAL_ADDRESS: "10.20.0.1",
      ZLH_ARTIFACTS_URL: "http://127.0.0.1:9/artifacts/",
    }),
  );
  userId = (await db.user.create({ data: { email: `pve-${randomUUID()}@example.test`, passwordHash: "x" } })).id;
});

afterAll(async () => {
  setProvisioningRuntime(undefined);
  await db.user.delete({ where: { id: userId } }).catch(() => {});
  await pve?.close();
  await closeDb();
});

describe("Proxmox schema refusals in provisioning", () => {
  it("fail the create on its first attempt with the refused parameter in the server's error and timeline", async () => {
    const server = await db.server.create({
      data: { userId, name: "refused", kind: "dev", vmid: 700_000 + Math.floor(Math.random() * 1_000_000), provider: "proxmox", status: "provisioning", runtimeId: "node", enableCodeServer: true },
    });
    const r = await runCreate(server.id, { signal: new AbortController().signal, attempt: 0, finalAttempt: false });
    expect(r.outcome).toBe("failed");
    expect(r.reason).toMatch(/Proxmox refused POST \/nodes\/pve\/lxc \(parameter verification failed\): net0\.bridge: value does not match the regex pattern/);
    const after = await db.server.findUniqueOrThrow({ where: { id: server.id } });
    expect(after.status).toBe("error");
    expect(after.lastError).toContain("net0.bridge");
    const events = await db.serverEvent.findMany({ where: { serverId: server.id }, orderBy: { createdAt: "asc" } });
    expect(events.some((e) => e.status === "failed" && e.message.includes("net0.bridge"))).toBe(true);
    expect(pve.refused.map((x) => `${x.method} ${x.path}`)).toEqual(["POST /nodes/pve/lxc"]);
    expect(pve.containers.size).toBe(0);
  });
});
