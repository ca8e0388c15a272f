import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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
    template: "local:vztmpl/zlh-agent.tar.zst", storage: "local-lvm", bridge: "vmbr0", portalAddress: "10.20.0.1", pollMs: 20, taskTimeoutMs: 5_000, ipTimeoutMs: 5_000,
  });
});
afterAll(() => pve?.close());
// Every request the provider sent passed the official schema (the fake refuses and records others).
afterEach(() => {
  expect(pve.refused).toEqual([]);
});

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
    expect(ct.config).toMatchObject({ ostemplate: "local:vztmpl/zlh-agent.tar.zst", hostname: `zlh-${vmid}`, memory: "2048", net0: "name=eth0,bridge=vmbr0,ip=dhcp,firewall=1", unprivileged: "1" });
    // The firewall: on, inbound DROP, agent from the portal only, game and SSH from anyone, no code-server.
    expect(ct.firewall.options).toMatchObject({ enable: "1", policy_in: "DROP" });
    expect(ct.firewall.rules.map((r) => [r.type, r.action, r.proto, r.dport, r.source ?? "any", r.enable])).toEqual([
      ["in", "ACCEPT", "tcp", "7070", "10.20.0.1", 1],
      ["in", "ACCEPT", "tcp", "25565", "any", 1],
      ["in", "ACCEPT", "tcp", "22", "any", 1],
    ]);
    expect(ct.firewall.rules.some((r) => r.dport === "6000")).toBe(false);
    expect(ct.config.description).toContain(`${TOKEN_PREFIX}${"a".repeat(64)}`);
    expect(pve.requests.every((r) => r.auth === `PVEAPIToken=${pve.tokenId}=${pve.tokenSecret}`)).toBe(true);
    // Idempotent: a second create finds the container.
    await provider.create(spec(vmid));
    expect(pve.requests.filter((r) => r.method === "POST" && r.path.endsWith("/lxc"))).toHaveLength(1);

    expect(await provider.state(created.providerRef)).toBe("stopped");
    const started = await provider.start(created.providerRef, { agentToken: "x", artifactsUrl: "http://a/" });
    expect(started.agentUrl).toBe(`https://10.20.0.${vmid % 250}:7070`);
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
    const slow = new ProxmoxProvider({ url: pve.url, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, node: pve.node, template: "local:vztmpl/t.tar.zst", storage: "local-lvm", bridge: "vmbr0", portalAddress: "10.20.0.1", pollMs: 20, taskTimeoutMs: 1 });
    pve.containers.clear();
    const before = pve.tasks.size;
    const create = slow.create(spec(6003));
    await expect(create).rejects.toThrow(/did not finish within/);
    expect(pve.tasks.size).toBe(before + 1);
    const bad = new ProxmoxProvider({ url: pve.url, tokenId: pve.tokenId, tokenSecret: "wrong", node: pve.node, template: "local:vztmpl/t.tar.zst", storage: "local-lvm", bridge: "vmbr0", portalAddress: "10.20.0.1" });
    await expect(bad.nextVmid(6000)).rejects.toThrow(/401/);
  });

  it("puts the firewall back on start when it was changed, keeping an operator's own rules", async () => {
    const c = await provider.create(spec(6010));
    const ct = pve.containers.get(6010)!;
    ct.firewall.options.policy_in = "ACCEPT";
    ct.firewall.rules.splice(0, 1); // our agent rule gone
    ct.firewall.rules.push({ pos: 2, type: "in", action: "DROP", proto: "tcp", dport: "22", source: "192.0.2.0/24", comment: "operator: block a range" });
    ct.firewall.rules.push({ pos: 3, type: "in", action: "ACCEPT", proto: "tcp", dport: "7070", enable: 1, comment: "zlh: agent API, from the portal only" });
    ct.firewall.rules.forEach((r, i) => (r.pos = i));
    await provider.start(c.providerRef, { agentToken: "x", artifactsUrl: "http://a/" });
    expect(ct.firewall.options.policy_in).toBe("DROP");
    const agentRules = ct.firewall.rules.filter((r) => r.dport === "7070");
    expect(agentRules).toHaveLength(1);
    expect(agentRules[0]!.source).toBe("10.20.0.1");
    expect(ct.firewall.rules.some((r) => r.comment === "operator: block a range")).toBe(true);
    await provider.destroy(c.providerRef);
  });

  it("refuses to run containers when the datacenter firewall is off", async () => {
    pve.clusterFirewall = false;
    try {
      await expect(provider.create(spec(6011))).rejects.toThrow(/datacenter firewall is off/);
    } finally {
      pve.clusterFirewall = true;
    }
  });

  it("surfaces a request the real API would refuse as a clear error naming the parameter", async () => {
    const misconfigured = new ProxmoxProvider({
      url: pve.url, tokenId: pve.tokenId, tokenSecret: pve.tokenSecret, node: pve.node,
      template: "local:vztmpl/zlh-agent.tar.zst", storage: "local-lvm", bridge: "vmbr 0", portalAddress: "10.20.0.1", pollMs: 20,
    });
    const err = (await misconfigured.create(spec(6012)).then(() => new Error("created"), (e: unknown) => e)) as Error & { permanent?: boolean };
    expect(err.message).toMatch(/^Proxmox refused POST \/nodes\/pve\/lxc \(parameter verification failed\): net0\.bridge: value does not match the regex pattern/);
    expect(err.permanent).toBe(true);
    expect(pve.refused.map((r) => r.path)).toEqual(["/nodes/pve/lxc"]);
    pve.refused.length = 0;
  });
});
