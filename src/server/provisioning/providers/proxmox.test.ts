import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProxmox, type FakeProxmox } from "../../../../test/fakes/proxmox";
import { formBody } from "./proxmox-api";
import { ProxmoxProvider, TOKEN_PREFIX } from "./proxmox";

let pve: FakeProxmox;
let provider: ProxmoxProvider;
const spec = (vmid: number) => ({
  serverId: "srv1", vmid, kind: "dev" as const, memoryMb: 2048, hostname: `zlh-${vmid}`,
  agentToken: "a".repeat(64), artifactsUrl: "http://artifacts.local/", catalogPublicKey: "PUBKEY",
});

beforeAll(async () => {
  pve = await startFakeProxmox();
  provider = new ProxmoxProvider({
    url: pve.url, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, node: pve.node,
    template: "local:vztmpl/zlh-agent.tar.zst", storage: "local-lvm", bridge: "vmbr0", pollMs: 20, taskTimeoutMs: 5_000, ipTimeoutMs: 5_000,
  });
});
afterAll(() => pve?.close());

describe("proxmox provider against a fake Proxmox VE API", () => {
  it("encodes form bodies the way the API expects", () => {
    expect(formBody({ vmid: 101, unprivileged: true, start: false, skip: undefined, net0: "name=eth0,bridge=vmbr0,ip=dhcp" })).toBe(
      "vmid=101&unprivileged=1&start=0&net0=name%3Deth0%2Cbridge%3Dvmbr0%2Cip%3Ddhcp",
    );
  });

  it("allocates, creates from the template, starts, finds the IP, stops and destroys", async () => {
    const vmid = await provider.nextVmid(6000);
    expect(vmid).toBe(6000);
    const created = await provider.create(spec(vmid));
    expect(created.isolated).toBe(true);
    const ct = pve.containers.get(vmid)!;
    expect(ct.config).toMatchObject({ ostemplate: "local:vztmpl/zlh-agent.tar.zst", hostname: `zlh-${vmid}`, memory: "2048", net0: "name=eth0,bridge=vmbr0,ip=dhcp", unprivileged: "1" });
    expect(ct.config.description).toContain(`${TOKEN_PREFIX}${"a".repeat(64)}`);
    expect(pve.requests.every((r) => r.auth === `PVEAPIToken=${pve.tokenId}=${pve.tokenSecret}`)).toBe(true);
    // Idempotent: a second create finds the container.
    await provider.create(spec(vmid));
    expect(pve.requests.filter((r) => r.method === "POST" && r.path.endsWith("/lxc"))).toHaveLength(1);

    expect(await provider.state(created.providerRef)).toBe("stopped");
    const started = await provider.start(created.providerRef, { agentToken: "x", artifactsUrl: "http://a/" });
    expect(started.agentUrl).toBe(`http://10.20.0.${vmid % 250}:7070`);
    expect(started.codeServerUrl).toBe(`http://10.20.0.${vmid % 250}:6000`);
    expect(await provider.state(started.providerRef)).toBe("running");
    await provider.start(started.providerRef, { agentToken: "x", artifactsUrl: "http://a/" }); // no-op when running

    await provider.stop(started.providerRef, 2_000);
    expect(await provider.state(started.providerRef)).toBe("stopped");
    expect(pve.requests.some((r) => r.path.endsWith("/status/shutdown") && r.body.forceStop === "1")).toBe(true);
    await provider.destroy(started.providerRef);
    expect(await provider.state(started.providerRef)).toBe("missing");
    expect(pve.requests.find((r) => r.method === "DELETE")!.body).toMatchObject({ purge: "1", "destroy-unreferenced-disks": "1" });
    await provider.destroy(started.providerRef); // idempotent
  });

  it("reports a failing task with its exit status", async () => {
    pve.failNext.set("vzcreate", "unable to create CT 6001 - storage 'local-lvm' does not exist");
    await expect(provider.create(spec(6001))).rejects.toThrow(/Proxmox task vzcreate failed: unable to create CT 6001 - storage 'local-lvm' does not exist/);
    expect(pve.containers.has(6001)).toBe(false);
  });

  it("falls back to a hard stop when shutdown fails, and destroys a running container", async () => {
    const c = await provider.create(spec(6002));
    await provider.start(c.providerRef, { agentToken: "x", artifactsUrl: "http://a/" });
    pve.failNext.set("vzshutdown", "command 'lxc-stop -n 6002 --nokill --timeout 2' failed: exit code 1");
    await provider.stop(c.providerRef, 1_000);
    expect(await provider.state(c.providerRef)).toBe("stopped");
    await provider.start(c.providerRef, { agentToken: "x", artifactsUrl: "http://a/" });
    await provider.destroy(c.providerRef);
    expect(pve.containers.has(6002)).toBe(false);
  });

  it("times out a task that never finishes and refuses a wrong token", async () => {
    const slow = new ProxmoxProvider({ url: pve.url, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, node: pve.node, template: "t", storage: "s", bridge: "b", pollMs: 20, taskTimeoutMs: 1 });
    pve.containers.clear();
    const before = pve.tasks.size;
    const create = slow.create(spec(6003));
    await expect(create).rejects.toThrow(/did not finish within/);
    expect(pve.tasks.size).toBe(before + 1);
    const bad = new ProxmoxProvider({ url: pve.url, tokenId: pve.tokenId, tokenSecret: "wrong", node: pve.node, template: "t", storage: "s", bridge: "b" });
    await expect(bad.nextVmid(6000)).rejects.toThrow(/401/);
  });
});
