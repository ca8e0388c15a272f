import { describe, expect, it } from "vitest";
import { cpuPercentBetween, parseKeyed, parseLimit, parseNetDev, parseNumber, workingSet } from "./parse";

describe("cgroup values", () => {
  it("numbers and limits", () => {
    expect(parseNumber("12345\n")).toBe(12345);
    expect(parseNumber("-1")).toBeNull();
    expect(parseNumber(null)).toBeNull();
    expect(parseLimit("max\n")).toBeNull();
    expect(parseLimit("9223372036854771712\n")).toBeNull(); // v1's "unlimited"
    expect(parseLimit("1073741824\n")).toBe(1073741824);
    expect(parseLimit("garbage")).toBeNull();
  });

  it("oom counters from v1 memory.oom_control and v2 memory.events", () => {
    expect(parseKeyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n").get("oom_kill")).toBe(3);
    expect(parseKeyed("low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n").get("oom_kill")).toBe(2);
  });

  it("working set subtracts inactive file cache (v1 and v2 names), never below zero", () => {
    expect(workingSet(1000, parseKeyed("cache 600\ntotal_inactive_file 400\n"))).toBe(600);
    expect(workingSet(1000, parseKeyed("inactive_file 300\n"))).toBe(700);
    expect(workingSet(100, parseKeyed("inactive_file 300\n"))).toBe(0);
    expect(workingSet(null, new Map())).toBeNull();
  });

  it("CPU percent of one core between two readings", () => {
    expect(cpuPercentBetween({ at: 0, usageSeconds: 1 }, { at: 2000, usageSeconds: 2 })).toBe(50);
    expect(cpuPercentBetween(null, { at: 2000, usageSeconds: 2 })).toBeNull();
    expect(cpuPercentBetween({ at: 0, usageSeconds: 5 }, { at: 1000, usageSeconds: 1 })).toBeNull(); // counter reset
  });
});

describe("parseNetDev", () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0
  tap0: 1200      10    0    0    0     0          0         0      800       8    0    0    0     0       0          0
  eth1:  300       3    0    0    0     0          0         0      200       2    0    0    0     0       0          0
`;
  it("sums every interface but loopback", () => expect(parseNetDev(text)).toEqual({ rxBytes: 1500, txBytes: 1000, interfaces: ["tap0", "eth1"] }));
});
