import type { ContainerStats } from "../../../agent/src/contract/container-stats";

/**
 * Resource samples for the dashboard's sparklines: the container's own figures from its cgroup
 * (the /status "container" section) where the provider isolates it, else the agent process's CPU
 * time and resident memory from its Prometheus /metrics (the unisolated provider, where the cgroup
 * is the portal's). Pure: parsing, CPU % from two readings, and a fixed-size ring per server.
 */
export type MetricReading = { at: number; cpuSeconds: number; rssBytes: number };
export type Sample = { at: number; cpuPercent: number | null; rssBytes: number };

/** The value of a metric without labels in Prometheus text format, or null. */
export function promValue(text: string, name: string): number | null {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const [key, value] = line.trim().split(/\s+/);
    if (key === name) {
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    }
  }
  return null;
}

export function readingFrom(text: string, at: number): MetricReading | null {
  const cpu = promValue(text, "zlh_agent_process_cpu_seconds_total");
  const rss = promValue(text, "zlh_agent_process_resident_memory_bytes");
  if (cpu === null || rss === null) return null;
  return { at, cpuSeconds: cpu, rssBytes: rss };
}

/** A reading from the container's cgroup figures; null when the cgroup did not answer them. */
export function readingFromContainer(c: ContainerStats, at: number): MetricReading | null {
  if (c.cpu.usageSeconds === null || c.memory.usedBytes === null) return null;
  return { at, cpuSeconds: c.cpu.usageSeconds, rssBytes: c.memory.usedBytes };
}

/** CPU use between two readings as a percentage of one core; null when they cannot be compared. */
export function cpuPercent(prev: MetricReading | undefined, next: MetricReading): number | null {
  if (!prev || next.at <= prev.at || next.cpuSeconds < prev.cpuSeconds) return null;
  return Math.round(((next.cpuSeconds - prev.cpuSeconds) / ((next.at - prev.at) / 1000)) * 1000) / 10;
}

/** The last `size` samples of one server, oldest first. */
export class SampleRing {
  private readonly items: Sample[] = [];
  private last: MetricReading | undefined;
  /** Where the readings come from: a switch (an agent that gained a cgroup) starts afresh. */
  source: "container" | "agent" | null = null;
  constructor(readonly size = 60) {}

  /** Sets the source; readings of another source are not comparable, so the ring empties. */
  useSource(source: "container" | "agent"): void {
    if (this.source === source) return;
    this.source = source;
    this.items.length = 0;
    this.last = undefined;
  }

  push(r: MetricReading): Sample {
    const s: Sample = { at: r.at, cpuPercent: cpuPercent(this.last, r), rssBytes: r.rssBytes };
    this.last = r;
    this.items.push(s);
    if (this.items.length > this.size) this.items.shift();
    return s;
  }

  get lastAt(): number | undefined {
    return this.last?.at;
  }

  list(): Sample[] {
    return [...this.items];
  }
}
