import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeProxmox, type FakeProxmox } from "../../../../test/fakes/proxmox";
import { ProxmoxProvider } from "./proxmox";
import { ProxmoxError } from "./proxmox-api";

/**
 * Placement on a three-node cluster (the schema-validated fake): the online node with the most free
 * memory wins, an offline and a full node are skipped with their reasons, the node is part of the
 * container's reference, and a cluster with no room refuses with every reason.
 */
const GiB = 1024 ** 3;
let pve: FakeProxmox;
let provider: ProxmoxProvider;
const spec = (vmid: number, memoryMb = 2048) => ({
  serverId: `srv-${vmid}`, vmid, kind: "game" as const, memoryMb, hostname: `zlh-${vmid}`,
  agentToken: "b".repeat(64), artifactsUrl: "http://artifacts.local/",
});

beforeAll(async () => {
  pve = await startFakeProxmox({
    nodes: [
      { name: "pve1", status: "offline", maxmem: 256 * GiB, baseMem: 0 },
      { name: "pve2", status: "online", maxmem: 16 * GiB, baseMem: 14.5 * GiB },
      { name: "pve3", status: "online", maxmem: 32 * GiB, baseMem: 8 * GiB },
    ],
  });
  provider = new ProxmoxProvider({
    url: pve.url, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, node: "pve1", nodes: ["pve1", "pve2", "pve3"],
    template: "local:vztmpl/zlh-agent.tar.zst", storage: "local-lvm", bridge: "vmbr0", portalAddress: "10.20.0.1", pollMs: 10, taskTimeoutMs: 5_000, ipTimeoutMs: 5_000,
  });
});
afterAll(() => pve?.close());
afterEach(() => {
  expect(pve.refused, "every request passed the official API schema").toEqual([]);
});

describe("proxmox placement across a cluster", () => {
  it("places on the online node with room and records why the others were skipped", async () => {
    const c = await provider.create(spec(7001));
    expect(c.placement?.node).toBe("pve3");
    expect(c.placement?.skipped).toEqual([
      { node: "pve1", reason: "node is offline" },
      { node: "pve2", reason: expect.stringMatching(/^full: 512 MiB free after headroom, 2048 MiB needed$/) },
    ]);
    expect(JSON.parse(c.providerRef)).toMatchObject({ node: "pve3", vmid: 7001 });
    expect(pve.containers.get(7001)?.node).toBe("pve3");
    expect(pve.requests.some((r) => r.method === "POST" && r.path.endsWith("/nodes/pve3/lxc"))).toBe(true);
  });

  it("reaches the container through its own node for every later call", async () => {
    const created = await provider.create(spec(7001));
    const c = await provider.start(created.providerRef, { agentToken: "x", artifactsUrl: "http://a/" });
    expect(c.sshHost).toMatch(/^10\.20\.0\./);
    expect(await provider.state(c.providerRef)).toBe("running");
    await provider.stop(c.providerRef, 1_000);
    const lxcCalls = pve.requests.filter((r) => /\/lxc\/7001/.test(r.path));
    expect(lxcCalls.length).toBeGreaterThan(0);
    expect(lxcCalls.every((r) => r.path.includes("/nodes/pve3/"))).toBe(true);
  });

  it("finds a container an earlier attempt created instead of placing it again", async () => {
    const before = pve.requests.filter((r) => r.method === "POST" && /\/lxc$/.test(r.path)).length;
    const again = await provider.create(spec(7001));
    expect(JSON.parse(again.providerRef).node).toBe("pve3");
    expect(pve.requests.filter((r) => r.method === "POST" && /\/lxc$/.test(r.path)).length).toBe(before);
  });

  it("refuses with every node's reason when no node has room", async () => {
    const err = await provider.create(spec(7002, 64 * 1024)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxmoxError);
    expect((err as ProxmoxError).permanent).toBe(true);
    expect((err as Error).message).toMatch(/No Proxmox node can take a 65536 MiB container \(pve1: node is offline; pve2: full: .*; pve3: full: .*\)/);
    expect(pve.containers.has(7002)).toBe(false);
  });
});
