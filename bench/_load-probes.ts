import { readFileSync, readdirSync } from "node:fs";
import { agentPids } from "../test/faults/processes";

/** Process figures for the load bench: resident memory of a pid (and of its children) from /proc. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
  } catch {
    return -1;
  }
}

/** A pid and all its descendants. */
export function treeOf(root: number): number[] {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  const kids = new Map<number, number[]>();
  for (const p of all) {
    const pp = parentOf(p);
    kids.set(pp, [...(kids.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const k of kids.get(p) ?? []) walk(k);
  };
  walk(root);
  return out;
}

export function treeRss(root: number): number {
  return treeOf(root).reduce((sum, p) => sum + rssBytes(p), 0);
}

/**
 * The cgroup LXC made for a running container: the `lxc.payload.*` directory its agent runs in.
 * Found through the agent rather than by the vmid in directory names: a directory of an earlier
 * run with the same vmid can linger (lxc then names the new one `<name>-1`), and reading that
 * empty one showed the dev container at 0 MB and 0 cores, and left it out of the settle check.
 */
export function payloadCgroupOf(vmid: number): string {
  for (const pid of agentPids(vmid)) {
    try {
      const name = /\/(lxc\.payload\.[^/\n]+)/.exec(readFileSync(`/proc/${pid}/cgroup`, "utf8"))?.[1];
      if (name) return name;
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no running LXC container has vmid ${vmid}: none of its agents is in an lxc.payload cgroup`);
}

/** Reads a container cgroup's file from the first hierarchy that has it (cgroup v1 or v2). */
function cgroupFile(cgroup: string, candidates: [base: string, file: string][]): [file: string, text: string] {
  for (const [base, file] of candidates) {
    try {
      return [file, readFileSync(`${base}/${cgroup}/${file}`, "utf8")];
    } catch {
      // the other cgroup version's file
    }
  }
  throw new Error(`cgroup ${cgroup} has none of ${candidates.map(([b, f]) => `${b}/${f}`).join(", ")}`);
}

/** Memory charged to an LXC container's cgroup (v1 or v2). */
export function containerMemoryBytes(cgroup: string): number {
  const [, text] = cgroupFile(cgroup, [["/sys/fs/cgroup/memory", "memory.usage_in_bytes"], ["/sys/fs/cgroup", "memory.current"]]);
  return Number(text.trim());
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** CPU time (ms) a pid has used, from /proc/<pid>/stat (utime + stime, in clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

export function treeCpuMs(root: number): number {
  return treeOf(root).reduce((sum, p) => sum + cpuMs(p), 0);
}

/** CPU time (ms) charged to an LXC container's cgroup (v2 cpu.stat, or v1 cpuacct.usage). */
export function containerCpuMs(cgroup: string): number {
  const [file, text] = cgroupFile(cgroup, [["/sys/fs/cgroup", "cpu.stat"], ["/sys/fs/cgroup/cpuacct", "cpuacct.usage"]]);
  return file === "cpu.stat" ? Number(/usage_usec (\d+)/.exec(text)?.[1]) / 1000 : Number(text.trim()) / 1e6;
}

/**
 * What a portal says of itself on /metrics: its longest event-loop stall since the previous scrape
 * (prom-client's eventloop_lag_max, reset on every collection), the running sum and count of its
 * tRPC HTTP request times, the database clients waiting for a pooled connection, and the running
 * totals of its garbage collections (pause seconds of every kind, count of major ones). NaN/0 when
 * it does not answer.
 */
export type PortalFigures = { lagMs: number; trpcSeconds: number; trpcCount: number; poolWaiting: number; gcSeconds: number; majorGcs: number };

export async function portalFigures(portalUrl: string, token: string): Promise<PortalFigures> {
  try {
    const r = await fetch(`${portalUrl}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2_000) });
    const text = await r.text();
    const sum = (re: RegExp) => [...text.matchAll(re)].reduce((a, m) => a + Number(m[1]), 0);
    return {
      lagMs: Number(/^zlh_portal_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1] ?? NaN) * 1000,
      trpcSeconds: sum(/^zlh_http_request_duration_seconds_sum\{[^}]*route="\/api\/trpc\/\[trpc\]"[^}]*\} (\S+)$/gm),
      trpcCount: sum(/^zlh_http_request_duration_seconds_count\{[^}]*route="\/api\/trpc\/\[trpc\]"[^}]*\} (\S+)$/gm),
      poolWaiting: Number(/^zlh_db_pool_connections\{state="waiting"\} (\S+)$/m.exec(text)?.[1] ?? 0),
      gcSeconds: sum(/^zlh_portal_nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)$/gm),
      majorGcs: sum(/^zlh_portal_nodejs_gc_duration_seconds_count\{[^}]*kind="major"[^}]*\} (\S+)$/gm),
    };
  } catch {
    return { lagMs: NaN, trpcSeconds: 0, trpcCount: 0, poolWaiting: 0, gcSeconds: NaN, majorGcs: NaN };
  }
}

/** The whole machine's CPU time (ms) from /proc/stat: busy (neither idle nor iowait), iowait and steal. */
export function machineCpuMs(): { busy: number; iowait: number; steal: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...; ticks of 10 ms.
  const [user = 0, nice = 0, system = 0, , iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return { busy: (user + nice + system + irq + softirq) * 10, iowait: iowait * 10, steal: steal * 10 };
}
