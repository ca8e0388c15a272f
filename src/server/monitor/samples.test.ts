import { describe, expect, it } from "vitest";
import { cpuPercent, promValue, readingFrom, readingFromContainer, SampleRing } from "./samples";

const text = `# HELP zlh_agent_process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE zlh_agent_process_cpu_seconds_total counter
zlh_agent_process_cpu_seconds_total 12.5
zlh_agent_process_resident_memory_bytes 104857600
zlh_agent_state{state="ready"} 1
`;

describe("metric samples", () => {
  it("reads unlabelled values and ignores comments and labelled series", () => {
    expect(promValue(text, "zlh_agent_process_cpu_seconds_total")).toBe(12.5);
    expect(promValue(text, "zlh_agent_state")).toBeNull();
    expect(promValue(text, "missing")).toBeNull();
    expect(readingFrom(text, 1000)).toEqual({ at: 1000, cpuSeconds: 12.5, rssBytes: 104857600 });
    expect(readingFrom("nothing here", 1000)).toBeNull();
  });

  it("computes CPU percent of one core between readings, null when not comparable", () => {
    expect(cpuPercent({ at: 0, cpuSeconds: 1, rssBytes: 0 }, { at: 2000, cpuSeconds: 1.5, rssBytes: 0 })).toBe(25);
    expect(cpuPercent(undefined, { at: 2000, cpuSeconds: 1.5, rssBytes: 0 })).toBeNull();
    // a restarted agent's counter starts again from zero
    expect(cpuPercent({ at: 0, cpuSeconds: 9, rssBytes: 0 }, { at: 2000, cpuSeconds: 1, rssBytes: 0 })).toBeNull();
  });

  it("keeps the last N samples, oldest first", () => {
    const ring = new SampleRing(3);
    for (let i = 0; i < 5; i++) ring.push({ at: i * 1000, cpuSeconds: i, rssBytes: i });
    expect(ring.list().map((s) => s.at)).toEqual([2000, 3000, 4000]);
    expect(ring.list().map((s) => s.cpuPercent)).toEqual([100, 100, 100]);
    expect(ring.lastAt).toBe(4000);
  });
});

describe("container samples", () => {
  const c = {
    source: "cgroup-v1" as const,
    sampledAt: new Date(0).toISOString(),
    cpu: { usageSeconds: 4, percent: null },
    memory: { usedBytes: 1000, usageBytes: 1500, limitBytes: 4096, oomKills: 0 },
    pids: { current: 3, limit: 512 },
    disk: null,
    net: null,
  };
  it("reads the cgroup's CPU counter and working set", () => {
    expect(readingFromContainer(c, 5)).toEqual({ at: 5, cpuSeconds: 4, rssBytes: 1000 });
    expect(readingFromContainer({ ...c, cpu: { usageSeconds: null, percent: null } }, 5)).toBeNull();
  });
  it("a ring that changes source starts afresh (readings of the agent and the container do not compare)", () => {
    const ring = new SampleRing(5);
    ring.useSource("agent");
    ring.push({ at: 0, cpuSeconds: 1, rssBytes: 1 });
    ring.useSource("container");
    expect(ring.list()).toEqual([]);
    expect(ring.push({ at: 1000, cpuSeconds: 50, rssBytes: 2 }).cpuPercent).toBeNull();
  });
});
