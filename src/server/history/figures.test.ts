import { describe, expect, it } from "vitest";
import { cpuPercentBetween, figuresFrom, slotStart } from "./figures";

const container = (usageSeconds: number | null, percent: number | null) => ({
  container: {
    source: "cgroup-v2",
    sampledAt: new Date(0).toISOString(),
    cpu: { usageSeconds, percent },
    memory: { usedBytes: 200, usageBytes: 300, limitBytes: 1000, oomKills: 0 },
    pids: { current: 3, limit: 100 },
    disk: { usedBytes: 50, totalBytes: 500 },
    net: null,
  },
  players: { online: 2, max: 10 },
});

describe("history figures", () => {
  it("takes CPU over the whole interval from the counter, the agent's percent only for the first reading", () => {
    const first = figuresFrom(container(10, 80), null, 0, undefined);
    expect(first.figures).toEqual({ cpuPercent: 80, memoryBytes: 200, memoryLimitBytes: 1000, diskBytes: 50, diskTotalBytes: 500, players: 2, maxPlayers: 10 });
    const second = figuresFrom(container(25, 3), null, 30_000, first.cpu);
    expect(second.figures.cpuPercent).toBe(50);
  });

  it("falls back to the agent process figures when the container section is null", () => {
    const text = "zlh_agent_process_cpu_seconds_total 4\nzlh_agent_process_resident_memory_bytes 1234\n";
    const a = figuresFrom({ container: null }, text, 0, undefined);
    expect(a.figures).toMatchObject({ cpuPercent: null, memoryBytes: 1234, diskBytes: null, players: null });
    expect(figuresFrom({ container: null }, text.replace(" 4\n", " 7\n"), 10_000, a.cpu).figures.cpuPercent).toBe(30);
  });

  it("ignores a malformed status instead of failing the cycle", () => {
    expect(figuresFrom({ container: { cpu: "lots" } }, null, 0, undefined).figures.memoryBytes).toBeNull();
  });

  it("compares only increasing counters and puts moments in their 30-s slot", () => {
    expect(cpuPercentBetween({ at: 0, usageSeconds: 9 }, { at: 1000, usageSeconds: 1 })).toBeNull();
    expect(slotStart(Date.UTC(2026, 0, 1, 0, 0, 59, 999)).toISOString()).toBe("2026-01-01T00:00:30.000Z");
  });
});
