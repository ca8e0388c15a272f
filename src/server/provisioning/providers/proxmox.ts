import { z } from "zod";
import { ProxmoxApi, ProxmoxError, lxcInterfaceSchema, lxcStatusSchema } from "./proxmox-api";
import { FIREWALL_OPTIONS, desiredRules, optionsEnforced, planFirewall } from "./proxmox-firewall";
import { choosePlacement, clusterNodeSchema } from "./proxmox-placement";
import type { ContainerSpec, ContainerState, CreatedContainer, Provider, StartOptions } from "./types";

/**
 * LXC containers on a Proxmox VE cluster, each placed on the allowed node with the most free memory. The template (ZLH_PROXMOX_TEMPLATE) boots the agent itself
 * (see README: "Proxmox template contract"); this provider creates, starts, stops and destroys the
 * container and finds its address. The agent's token is put in the container's description, from
 * where the template's hookscript installs it before the agent starts. The agent serves HTTPS with a
 * key pair it makes inside the container (the portal pins it, see agent-client/enroll.ts), and every
 * container has the Proxmox firewall on: inbound DROP, the agent port open to the portal's address
 * only, the game and SSH ports to anyone (proxmox-firewall.ts). code-server has no port.
 */
export const AGENT_PORT = 7070;
export const GAME_PORT = 25565;
export const SSH_PORT = 22;
export const TOKEN_PREFIX = "zlh-agent-token=";

export type ProxmoxProviderOptions = {
  url: string;
  tokenId: string;
  tokenSecret: string;
  /** The node used when no placement list is given (ZLH_PROXMOX_NODE). */
  node: string;
  /** Nodes new containers may be placed on (ZLH_PROXMOX_NODES); default: only `node`. */
  nodes?: string[];
  /** Memory each node keeps for itself when placing (MiB, default 1024). */
  headroomMb?: number;
  /** ostemplate volume, e.g. local:vztmpl/zlh-agent-debian-12.tar.zst */
  template: string;
  storage: string;
  bridge: string;
  /** The address (or CIDR) the portal reaches agents from: the only source their port accepts. */
  portalAddress: string;
  taskTimeoutMs?: number;
  ipTimeoutMs?: number;
  pollMs?: number;
};

const firewallRuleSchema = z.object({
  pos: z.coerce.number().int(),
  type: z.string().optional(),
  action: z.string().optional(),
  proto: z.string().optional(),
  dport: z.string().optional(),
  source: z.string().optional(),
  enable: z.coerce.number().optional(),
  comment: z.string().optional(),
});

const refSchema = z.object({ node: z.string(), vmid: z.number().int(), ip: z.string().nullable().default(null) });
type Ref = z.infer<typeof refSchema>;

export class ProxmoxProvider implements Provider {
  readonly name = "proxmox" as const;
  readonly rotatesTokenOnStart = false;
  readonly api: ProxmoxApi;

  constructor(private readonly o: ProxmoxProviderOptions) {
    this.api = new ProxmoxApi({ url: o.url, tokenId: o.tokenId, tokenSecret: o.tokenSecret });
  }

  private get taskTimeout() {
    return this.o.taskTimeoutMs ?? 120_000;
  }
  private lxc(node: string, vmid: number, rest = ""): string {
    return `/nodes/${encodeURIComponent(node)}/lxc/${vmid}${rest}`;
  }
  private parseRef(ref: string): Ref {
    return refSchema.parse(JSON.parse(ref));
  }
  private describe(ref: Ref, skipped?: { node: string; reason: string }[]): CreatedContainer {
    const host = ref.ip;
    return {
      placement: { node: ref.node, skipped: skipped ?? [] },
      agentUrl: host ? `https://${host.includes(":") ? `[${host}]` : host}:${AGENT_PORT}` : "",
      sshHost: host,
      sshPort: host ? SSH_PORT : null,
      gamePort: GAME_PORT,
      isolated: true,
      providerRef: JSON.stringify(ref),
    };
  }

  async nextVmid(atLeast: number): Promise<number> {
    const next = Number(await this.api.call("GET", "/cluster/nextid", z.union([z.string(), z.number()])));
    if (next >= atLeast) return next;
    // The cluster's next id is below ids the portal already used elsewhere: ask for one at or above.
    for (let id = atLeast; id < atLeast + 1000; id++) {
      try {
        return Number(await this.api.call("GET", "/cluster/nextid", z.union([z.string(), z.number()]), { vmid: id }));
      } catch (err) {
        if (!(err instanceof ProxmoxError) || err.status === undefined) throw err;
      }
    }
    throw new ProxmoxError(`no free vmid at or above ${atLeast}`);
  }

  private async current(node: string, vmid: number): Promise<"running" | "stopped" | "missing"> {
    try {
      return (await this.api.call("GET", this.lxc(node, vmid, "/status/current"), lxcStatusSchema)).status;
    } catch (err) {
      // PVE answers 500 "Configuration file ... does not exist" for an unknown container.
      if (err instanceof ProxmoxError && /does not exist|not found/i.test(err.message)) return "missing";
      throw err;
    }
  }

  /**
   * The container's firewall as policy says, whatever state a crash or an operator left it in:
   * options (on, inbound DROP) and our rules (see proxmox-firewall.ts). Idempotent.
   */
  async ensureFirewall(node: string, vmid: number): Promise<void> {
    const cluster = await this.api.call("GET", "/cluster/firewall/options", z.record(z.string(), z.unknown()));
    if (String(cluster.enable ?? "0") !== "1") {
      throw new ProxmoxError("the Proxmox datacenter firewall is off, so container firewalls would not apply: enable it (Datacenter > Firewall > Options > Firewall: Yes)", undefined, true);
    }
    const options = await this.api.call("GET", this.lxc(node, vmid, "/firewall/options"), z.record(z.string(), z.unknown()));
    if (!optionsEnforced(options)) await this.api.call("PUT", this.lxc(node, vmid, "/firewall/options"), z.null(), { ...FIREWALL_OPTIONS });
    const rules = await this.api.call("GET", this.lxc(node, vmid, "/firewall/rules"), z.array(firewallRuleSchema));
    const plan = planFirewall(rules, desiredRules({ agentPort: AGENT_PORT, gamePort: GAME_PORT, sshPort: SSH_PORT, portalAddress: this.o.portalAddress }));
    for (const pos of plan.remove) await this.api.call("DELETE", this.lxc(node, vmid, `/firewall/rules/${pos}`), z.null());
    // Appended after an operator's own rules: ours only ever open ports, theirs may close some.
    let end = rules.length - plan.remove.length;
    for (const rule of plan.add) await this.api.call("POST", this.lxc(node, vmid, "/firewall/rules"), z.null(), { ...rule, pos: end++ });
  }

  /** The node a container with this vmid already lives on, anywhere in the cluster. */
  async locate(vmid: number): Promise<string | null> {
    const vms = await this.api.call("GET", "/cluster/resources", z.array(z.object({ type: z.string(), vmid: z.number().optional(), node: z.string().optional() }).loose()), { type: "vm" });
    return vms.find((v) => v.type === "lxc" && v.vmid === vmid)?.node ?? null;
  }

  /** Where a new container goes: the online allowed node with the most free memory (proxmox-placement.ts). */
  async place(memoryMb: number): Promise<{ node: string; skipped: { node: string; reason: string }[] }> {
    const nodes = await this.api.call("GET", "/cluster/resources", z.array(z.unknown()), { type: "node" });
    const parsed = nodes.flatMap((n) => {
      const r = clusterNodeSchema.safeParse(n);
      return r.success ? [r.data] : [];
    });
    const p = choosePlacement(parsed, memoryMb, { allowed: this.o.nodes?.length ? this.o.nodes : [this.o.node], headroomMb: this.o.headroomMb });
    if (!p.ok) throw new ProxmoxError(p.reason, undefined, true);
    return { node: p.node, skipped: p.skipped };
  }

  async create(spec: ContainerSpec): Promise<CreatedContainer> {
    // A retried create finds the container where an earlier attempt put it.
    const existing = await this.locate(spec.vmid);
    if (existing) {
      const ref: Ref = { node: existing, vmid: spec.vmid, ip: null };
      await this.ensureFirewall(existing, spec.vmid);
      return this.describe(ref);
    }
    const { node, skipped } = await this.place(spec.memoryMb);
    const ref: Ref = { node, vmid: spec.vmid, ip: null };
    const upid = await this.api.call("POST", `/nodes/${encodeURIComponent(node)}/lxc`, z.string(), {
      vmid: spec.vmid,
      ostemplate: this.o.template,
      hostname: spec.hostname,
      memory: spec.memoryMb,
      swap: 0,
      cores: 2,
      storage: this.o.storage,
      rootfs: `${this.o.storage}:8`,
      net0: `name=eth0,bridge=${this.o.bridge},ip=dhcp,firewall=1`,
      unprivileged: true,
      features: "nesting=1",
      onboot: true,
      start: false,
      description: `${TOKEN_PREFIX}${spec.agentToken}\nserver=${spec.serverId} kind=${spec.kind}\nartifacts=${spec.artifactsUrl}${spec.catalogPublicKey ? `\ncatalog-public-key=${spec.catalogPublicKey}` : ""}`,
    });
    await this.api.waitTask(node, upid, this.taskTimeout, this.o.pollMs);
    await this.ensureFirewall(node, spec.vmid);
    return this.describe(ref, skipped);
  }

  async start(providerRef: string, _opts: StartOptions): Promise<CreatedContainer> {
    const ref = this.parseRef(providerRef);
    const state = await this.current(ref.node, ref.vmid);
    if (state === "missing") throw new ProxmoxError(`container ${ref.vmid} does not exist on ${ref.node}`);
    // Never run a container without its firewall, whatever happened to it since create.
    await this.ensureFirewall(ref.node, ref.vmid);
    if (state === "stopped") {
      const upid = await this.api.call("POST", this.lxc(ref.node, ref.vmid, "/status/start"), z.string());
      await this.api.waitTask(ref.node, upid, this.taskTimeout, this.o.pollMs);
    }
    ref.ip = await this.discoverIp(ref.node, ref.vmid);
    return this.describe(ref);
  }

  /** The first IPv4 address on a non-loopback interface, polled until DHCP has given one. */
  async discoverIp(node: string, vmid: number): Promise<string> {
    const deadline = Date.now() + (this.o.ipTimeoutMs ?? 60_000);
    for (;;) {
      const ifaces = await this.api.call("GET", this.lxc(node, vmid, "/interfaces"), z.array(lxcInterfaceSchema).nullable());
      const inet = (ifaces ?? []).find((i) => i.name !== "lo" && i.inet)?.inet;
      if (inet) return inet.split("/")[0]!;
      if (Date.now() > deadline) throw new ProxmoxError(`container ${vmid} has no IPv4 address after ${Math.round((this.o.ipTimeoutMs ?? 60_000) / 1000)} s`);
      await new Promise((r) => setTimeout(r, this.o.pollMs ?? 1_000));
    }
  }

  async stop(providerRef: string, timeoutMs = 30_000): Promise<void> {
    const ref = this.parseRef(providerRef);
    if ((await this.current(ref.node, ref.vmid)) !== "running") return;
    try {
      // shutdown lets the agent stop the game cleanly; forceStop turns a hang into a stop.
      const upid = await this.api.call("POST", this.lxc(ref.node, ref.vmid, "/status/shutdown"), z.string(), { timeout: Math.ceil(timeoutMs / 1000), forceStop: true });
      await this.api.waitTask(ref.node, upid, timeoutMs + this.taskTimeout, this.o.pollMs);
    } catch (err) {
      if (!(err instanceof ProxmoxError)) throw err;
      const upid = await this.api.call("POST", this.lxc(ref.node, ref.vmid, "/status/stop"), z.string());
      await this.api.waitTask(ref.node, upid, this.taskTimeout, this.o.pollMs);
    }
  }

  async gamePortOf(_providerRef: string): Promise<number> {
    return GAME_PORT;
  }

  async diagnostics(providerRef: string): Promise<string> {
    const ref = this.parseRef(providerRef);
    return `container ${ref.vmid} on ${ref.node} is ${await this.current(ref.node, ref.vmid).catch(() => "unknown")}`;
  }

  async state(providerRef: string): Promise<ContainerState> {
    const ref = this.parseRef(providerRef);
    return this.current(ref.node, ref.vmid);
  }

  async destroy(providerRef: string): Promise<void> {
    const ref = this.parseRef(providerRef);
    const state = await this.current(ref.node, ref.vmid);
    if (state === "missing") return;
    if (state === "running") {
      const upid = await this.api.call("POST", this.lxc(ref.node, ref.vmid, "/status/stop"), z.string());
      await this.api.waitTask(ref.node, upid, this.taskTimeout, this.o.pollMs);
    }
    const upid = await this.api.call("DELETE", this.lxc(ref.node, ref.vmid), z.string(), { purge: true, "destroy-unreferenced-disks": true });
    await this.api.waitTask(ref.node, upid, this.taskTimeout, this.o.pollMs);
  }
}
