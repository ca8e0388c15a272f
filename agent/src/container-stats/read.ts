import { open, statfs } from "node:fs/promises";
import path from "node:path";
import type { ContainerStats } from "../contract/container-stats";
import { resolveLayout, type CgroupLayout } from "./cgroup-layout";
import { isOwnDisk } from "./own-disk";
import { cpuPercentBetween, parseKeyed, parseLimit, parseNetDev, parseNumber, workingSet } from "./parse";

/** cgroup and /proc files are small; a larger one is not what we think it is. */
const MAX_FILE_BYTES = 64 * 1024;

/** Reads at most MAX_FILE_BYTES of a file, or null when it cannot be read. */
export async function readSmall(file: string): Promise<string | null> {
  let fh;
  try {
    fh = await open(file, "r");
    const buf = Buffer.alloc(MAX_FILE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, MAX_FILE_BYTES, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

export type StatsSources = {
  /** /proc of the container (the agent's own). */
  procRoot: string;
  /** The folder whose filesystem counts as the container's disk ("/" inside a container). */
  diskPath: string;
};

const at = (dir: string | null, file: string) => (dir ? readSmall(path.join(dir, file)) : Promise.resolve(null));

/** The container's cgroup folders, found from this process's own membership. */
export async function detectLayout(procRoot = "/proc"): Promise<CgroupLayout | null> {
  const [cg, mi] = await Promise.all([readSmall(path.join(procRoot, "self/cgroup")), readSmall(path.join(procRoot, "self/mountinfo"))]);
  return cg && mi ? resolveLayout(cg, mi) : null;
}

type Counters = Pick<ContainerStats, "memory" | "pids"> & { usageSeconds: number | null };

async function readV1(l: Extract<CgroupLayout, { version: "v1" }>): Promise<Counters> {
  const [usage, limit, stat, oom, cpu, pidsNow, pidsMax] = await Promise.all([
    at(l.memory, "memory.usage_in_bytes"),
    at(l.memory, "memory.limit_in_bytes"),
    at(l.memory, "memory.stat"),
    at(l.memory, "memory.oom_control"),
    at(l.cpuacct, "cpuacct.usage"),
    at(l.pids, "pids.current"),
    at(l.pids, "pids.max"),
  ]);
  const usageBytes = parseNumber(usage);
  const ns = parseNumber(cpu);
  return {
    usageSeconds: ns === null ? null : ns / 1e9,
    memory: { usedBytes: workingSet(usageBytes, parseKeyed(stat)), usageBytes, limitBytes: parseLimit(limit), oomKills: oom === null ? null : (parseKeyed(oom).get("oom_kill") ?? null) },
    pids: { current: parseNumber(pidsNow), limit: parseLimit(pidsMax) },
  };
}

async function readV2(dir: string): Promise<Counters> {
  const [usage, limit, stat, events, cpu, pidsNow, pidsMax] = await Promise.all([
    at(dir, "memory.current"),
    at(dir, "memory.max"),
    at(dir, "memory.stat"),
    at(dir, "memory.events"),
    at(dir, "cpu.stat"),
    at(dir, "pids.current"),
    at(dir, "pids.max"),
  ]);
  const usageBytes = parseNumber(usage);
  const usec = parseKeyed(cpu).get("usage_usec");
  return {
    usageSeconds: usec === undefined ? null : usec / 1e6,
    memory: { usedBytes: workingSet(usageBytes, parseKeyed(stat)), usageBytes, limitBytes: parseLimit(limit), oomKills: events === null ? null : (parseKeyed(events).get("oom_kill") ?? null) },
    pids: { current: parseNumber(pidsNow), limit: parseLimit(pidsMax) },
  };
}

/** The container's OOM-kill counter, or null where it cannot be read (used by crash classification). */
export async function readOomKills(layout: CgroupLayout | null): Promise<number | null> {
  if (!layout) return null;
  const text = layout.version === "v1" ? await at(layout.memory, "memory.oom_control") : await at(layout.dir, "memory.events");
  return text === null ? null : (parseKeyed(text).get("oom_kill") ?? null);
}

/** The memory limit in bytes, or null when there is none or it cannot be read. */
export async function readMemoryLimit(layout: CgroupLayout | null): Promise<number | null> {
  if (!layout) return null;
  return parseLimit(layout.version === "v1" ? await at(layout.memory, "memory.limit_in_bytes") : await at(layout.dir, "memory.max"));
}

/**
 * The container's figures, one reading per call. Keeps the previous CPU counter to answer a
 * percentage; the layout is detected once (a process does not change cgroup on its own).
 */
export class ContainerStatsReader {
  private layout: Promise<CgroupLayout | null> | null = null;
  private ownDisk: Promise<boolean> | null = null;
  private prev: { at: number; usageSeconds: number } | null = null;

  constructor(private readonly sources: StatsSources = { procRoot: "/proc", diskPath: "/" }) {}

  cgroupLayout(): Promise<CgroupLayout | null> {
    return (this.layout ??= detectLayout(this.sources.procRoot));
  }

  /** Whether statfs of the disk path answers for this container alone (see own-disk.ts); mounts are read once. */
  private diskIsOwn(): Promise<boolean> {
    return (this.ownDisk ??= readSmall(path.join(this.sources.procRoot, "self/mountinfo")).then((mi) => mi !== null && isOwnDisk(mi, this.sources.diskPath)));
  }

  async read(now = Date.now()): Promise<ContainerStats | null> {
    const layout = await this.cgroupLayout();
    if (!layout) return null;
    const [c, net, disk] = await Promise.all([
      layout.version === "v1" ? readV1(layout) : readV2(layout.dir),
      readSmall(path.join(this.sources.procRoot, "net/dev")),
      // The host's disk figures are not the container's: none rather than those.
      this.diskIsOwn().then((own) => (own ? statfs(this.sources.diskPath).catch(() => null) : null)),
    ]);
    let percent: number | null = null;
    if (c.usageSeconds !== null) {
      const next = { at: now, usageSeconds: c.usageSeconds };
      percent = cpuPercentBetween(this.prev, next);
      this.prev = next;
    }
    return {
      source: layout.version === "v1" ? "cgroup-v1" : "cgroup-v2",
      sampledAt: new Date(now).toISOString(),
      cpu: { usageSeconds: c.usageSeconds, percent },
      memory: c.memory,
      pids: c.pids,
      disk: disk ? { usedBytes: (disk.blocks - disk.bfree) * disk.bsize, totalBytes: disk.blocks * disk.bsize } : null,
      net: net === null ? null : parseNetDev(net),
    };
  }
}
