import http from "node:http";
import type { AddressInfo } from "node:net";
import { validateRequest } from "./proxmox-schema";

/**
 * A local fake of the Proxmox VE HTTP API (api2/json) for the LXC calls the proxmox provider makes,
 * following the official shapes: `{"data": ...}` envelopes, form-encoded POST/PUT bodies, API-token
 * auth (`Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`), long operations answering a UPID
 * whose status is polled at /nodes/{node}/tasks/{upid}/status (running -> stopped + exitstatus).
 * Every request is first validated against the official schema extract (proxmox-schema.ts): a
 * request the real API would refuse gets its answer here too (400 + `errors`, or 501), and is
 * recorded in `refused`. `failNext` makes the next task of a type end with an error exitstatus.
 */
export type FirewallRule = { pos: number; type: string; action: string; proto?: string; dport?: string; source?: string; enable?: number; comment?: string };
export type FakeNode = { name: string; status: "online" | "offline"; maxmem: number; baseMem: number };
export type FakeContainer = {
  vmid: number;
  node: string;
  status: "running" | "stopped";
  config: Record<string, string>;
  ip: string;
  firewall: { options: Record<string, string>; rules: FirewallRule[] };
};
export type FakeTask = { upid: string; type: string; vmid: number; pollsLeft: number; exitstatus: string; apply: () => void };

export type FakeProxmox = {
  url: string;
  tokenId: string;
  tokenSecret: string;
  node: string;
  /** The cluster's nodes; a node's used memory is its base plus its containers' configured memory. */
  nodes: FakeNode[];
  containers: Map<number, FakeContainer>;
  tasks: Map<string, FakeTask>;
  requests: { method: string; path: string; body: Record<string, string>; auth: string | undefined }[];
  /** Requests the schema refused, with the errors the fake answered. */
  refused: { method: string; path: string; body: Record<string, string>; errors: Record<string, string> | string }[];
  /** Datacenter-wide firewall switch (GET /cluster/firewall/options `enable`). */
  clusterFirewall: boolean;
  /** The next task of this type (vzcreate, vzstart, vzshutdown, vzstop, vzdestroy) fails with this message. */
  failNext: Map<string, string>;
  /** Interfaces answer without an address this many times after a start (DHCP is slow). */
  ipDelayPolls: number;
  close(): Promise<void>;
};

export async function startFakeProxmox(opts: { node?: string; nodes?: FakeNode[]; tokenId?: string; tokenSecret?: string } = {}): Promise<FakeProxmox> {
  const node = opts.node ?? opts.nodes?.[0]?.name ?? "pve";
  const GiB = 1024 ** 3;
  const tokenId = opts.tokenId ?? "zlh@pve!portal";
  const tokenSecret = opts.tokenSecret ?? "4f2c1a8e-0000-4000-8000-000000000001";
  let taskSeq = 0;
  const ipPolls = new Map<number, number>();
  const fake: FakeProxmox = {
    url: "",
    tokenId,
    tokenSecret,
    node,
    nodes: opts.nodes ?? [{ name: node, status: "online", maxmem: 64 * GiB, baseMem: 4 * GiB }],
    containers: new Map(),
    tasks: new Map(),
    requests: [],
    refused: [],
    clusterFirewall: true,
    failNext: new Map(),
    ipDelayPolls: 1,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const newTask = (type: string, vmid: number, apply: () => void, on = node): string => {
    const upid = `UPID:${on}:${(0x1000 + ++taskSeq).toString(16).toUpperCase().padStart(8, "0")}:0000ABCD:${Math.floor(Date.now() / 1000).toString(16).toUpperCase()}:${type}:${vmid}:${tokenId}:`;
    const failure = fake.failNext.get(type);
    if (failure) fake.failNext.delete(type);
    fake.tasks.set(upid, { upid, type, vmid, pollsLeft: 2, exitstatus: failure ?? "OK", apply: failure ? () => {} : apply });
    return upid;
  };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://x");
    const form = Object.fromEntries(new URLSearchParams(req.method === "GET" || req.method === "DELETE" ? url.search : Buffer.concat(chunks).toString()));
    fake.requests.push({ method: req.method!, path: url.pathname, body: form, auth: req.headers.authorization });
    const send = (status: number, data: unknown, message?: string, errors?: Record<string, string>) => {
      res.statusMessage = message ?? (status === 200 ? "OK" : "error");
      res.writeHead(status, { "content-type": "application/json;charset=UTF-8" });
      res.end(JSON.stringify(status === 200 ? { data } : { data: null, ...(message ? { message } : {}), ...(errors ? { errors } : {}) }));
    };
    if (req.headers.authorization !== `PVEAPIToken=${tokenId}=${tokenSecret}`) return send(401, null, "authentication failure");
    const p = url.pathname.replace(/^\/api2\/json/, "");
    const checked = validateRequest(req.method!, p, form);
    if (!checked.ok) {
      fake.refused.push({ method: req.method!, path: p, body: form, errors: checked.status === 400 ? checked.errors : checked.message });
      return checked.status === 400 ? send(400, null, "Parameter verification failed.", checked.errors) : send(501, null, checked.message);
    }
    let m: RegExpExecArray | null;

    if (req.method === "GET" && p === "/cluster/firewall/options") return send(200, { enable: fake.clusterFirewall ? 1 : 0 });

    if (req.method === "GET" && p === "/cluster/nextid") {
      if (form.vmid) {
        const id = Number(form.vmid);
        return fake.containers.has(id) ? send(400, null, `VM ${id} already exists`) : send(200, String(id));
      }
      let id = 100;
      while (fake.containers.has(id)) id++;
      return send(200, String(id));
    }
    if (req.method === "GET" && p === "/cluster/resources") {
      const used = (n: string) => [...fake.containers.values()].filter((c) => c.node === n).reduce((sum, c) => sum + Number(c.config.memory ?? 0) * 1024 * 1024, 0);
      const nodes = fake.nodes.map((n) => ({
        id: `node/${n.name}`, type: "node", node: n.name, status: n.status,
        ...(n.status === "online" ? { maxmem: n.maxmem, mem: n.baseMem + used(n.name), maxcpu: 8, cpu: 0.1 } : {}),
      }));
      const vms = [...fake.containers.values()].map((c) => ({ id: `lxc/${c.vmid}`, type: "lxc", vmid: c.vmid, node: c.node, status: c.status, name: c.config.hostname }));
      return send(200, form.type === "node" ? nodes : form.type === "vm" ? vms : [...nodes, ...vms]);
    }
    if ((m = /^\/nodes\/([^/]+)\/tasks\/([^/]+)\/status$/.exec(p)) && req.method === "GET") {
      const t = fake.tasks.get(decodeURIComponent(m[2]!));
      if (!t) return send(500, null, "no such task");
      if (t.pollsLeft-- > 0) return send(200, { status: "running", type: t.type, id: String(t.vmid), upid: t.upid, node: decodeURIComponent(m[1]!) });
      t.apply();
      t.apply = () => {};
      return send(200, { status: "stopped", exitstatus: t.exitstatus, type: t.type, id: String(t.vmid), upid: t.upid, node: decodeURIComponent(m[1]!) });
    }
    if ((m = /^\/nodes\/([^/]+)\/lxc$/.exec(p)) && req.method === "POST") {
      const vmid = Number(form.vmid);
      const on = decodeURIComponent(m[1]!);
      const target = fake.nodes.find((n) => n.name === on);
      if (!target) return send(500, null, `no such cluster node '${on}'`);
      if (target.status !== "online") return send(595, null, `no route to host '${on}'`);
      const other = fake.containers.get(vmid);
      if (other) return send(500, null, `CT ${vmid} already exists on node '${other.node}'`);
      const config = { ...form };
      delete config.vmid;
      return send(200, newTask("vzcreate", vmid, () => fake.containers.set(vmid, { vmid, node: on, status: "stopped", config, ip: `10.20.0.${vmid % 250}`, firewall: { options: {}, rules: [] } }), on));
    }
    if ((m = /^\/nodes\/([^/]+)\/lxc\/(\d+)(\/.*)?$/.exec(p))) {
      const vmid = Number(m[2]);
      const rest = m[3] ?? "";
      const on = decodeURIComponent(m[1]!);
      const found = fake.containers.get(vmid);
      // A container is reached through the node it lives on, as in PVE.
      const ct = found && found.node === on ? found : undefined;
      if (!ct) return send(500, null, `Configuration file 'nodes/${on}/lxc/${vmid}.conf' does not exist`);
      if (req.method === "GET" && rest === "/firewall/options") return send(200, ct.firewall.options);
      if (req.method === "PUT" && rest === "/firewall/options") {
        Object.assign(ct.firewall.options, form);
        return send(200, null);
      }
      if (req.method === "GET" && rest === "/firewall/rules") return send(200, ct.firewall.rules);
      if (req.method === "POST" && rest === "/firewall/rules") {
        const { node: _n, vmid: _v, pos, ...rule } = form;
        const at = pos === undefined ? 0 : Math.min(Number(pos), ct.firewall.rules.length);
        // New rules go first unless a position is given, as in PVE; positions are renumbered.
        ct.firewall.rules.splice(at, 0, { ...rule, pos: at, ...(rule.enable !== undefined ? { enable: Number(rule.enable) } : {}) } as FirewallRule);
        ct.firewall.rules.forEach((r, i) => (r.pos = i));
        return send(200, null);
      }
      const rulePos = /^\/firewall\/rules\/(\d+)$/.exec(rest);
      if (req.method === "DELETE" && rulePos) {
        const at = Number(rulePos[1]);
        if (at >= ct.firewall.rules.length) return send(400, null, `no rule at position ${at}`);
        ct.firewall.rules.splice(at, 1);
        ct.firewall.rules.forEach((r, i) => (r.pos = i));
        return send(200, null);
      }
      if (req.method === "GET" && rest === "/status/current") return send(200, { status: ct.status, vmid, name: ct.config.hostname, maxmem: Number(ct.config.memory) * 1024 * 1024 });
      if (req.method === "GET" && rest === "/interfaces") {
        const polls = ipPolls.get(vmid) ?? 0;
        ipPolls.set(vmid, polls + 1);
        if (ct.status !== "running") return send(500, null, `CT ${vmid} not running`);
        const lo = { name: "lo", hwaddr: "00:00:00:00:00:00", inet: "127.0.0.1/8", inet6: "::1/128" };
        if (polls < fake.ipDelayPolls) return send(200, [lo, { name: "eth0", hwaddr: "bc:24:11:00:00:01" }]);
        return send(200, [lo, { name: "eth0", hwaddr: "bc:24:11:00:00:01", inet: `${ct.ip}/24` }]);
      }
      if (req.method === "POST" && rest === "/status/start") {
        if (ct.status === "running") return send(500, null, `CT ${vmid} already running`);
        ipPolls.set(vmid, 0);
        return send(200, newTask("vzstart", vmid, () => (ct.status = "running"), ct.node));
      }
      if (req.method === "POST" && (rest === "/status/shutdown" || rest === "/status/stop")) {
        return send(200, newTask(rest.endsWith("shutdown") ? "vzshutdown" : "vzstop", vmid, () => (ct.status = "stopped"), ct.node));
      }
      if (req.method === "DELETE" && rest === "") {
        if (ct.status === "running") return send(500, null, `CT ${vmid} is running - destroy failed`);
        return send(200, newTask("vzdestroy", vmid, () => fake.containers.delete(vmid), ct.node));
      }
    }
    send(501, null, `Method '${req.method} ${p}' not implemented`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
