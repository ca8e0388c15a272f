import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ContainerStatsReader, detectLayout, readMemoryLimit, readOomKills } from "./read";

const tmp = mkdtempSync(path.join(os.tmpdir(), "zlh-cstats-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmp, "t-"));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
  return root;
}

describe("ContainerStatsReader", () => {
  it("reads a v2 cgroup folder: memory, limit, oom kills, cpu, pids, net; percent from the second reading", async () => {
    const root = tree({ "cg/memory.current": "300\n", "cg/memory.max": "1000\n", "cg/memory.stat": "inactive_file 100\n", "cg/memory.events": "oom 1\noom_kill 1\n", "cg/cpu.stat": "usage_usec 2000000\n", "cg/pids.current": "7\n", "cg/pids.max": "128\n" });
    const proc = tree({ "self/cgroup": "0::/\n", "self/mountinfo": `20 1 8:1 / / rw - ext4 /dev/vda1 rw\n30 23 0:26 / ${path.join(root, "cg")} rw - cgroup2 cgroup2 rw\n`, "net/dev": "h1\nh2\n  tap0: 10 0 0 0 0 0 0 0 20 0 0 0 0 0 0 0\n" });
    const r = new ContainerStatsReader({ procRoot: proc, diskPath: root });
    const first = await r.read(1000);
    expect(first).toMatchObject({
      source: "cgroup-v2",
      cpu: { usageSeconds: 2, percent: null },
      memory: { usedBytes: 200, usageBytes: 300, limitBytes: 1000, oomKills: 1 },
      pids: { current: 7, limit: 128 },
      net: { rxBytes: 10, txBytes: 20, interfaces: ["tap0"] },
    });
    expect(first!.disk!.totalBytes).toBeGreaterThan(0);
    writeFileSync(path.join(root, "cg/cpu.stat"), "usage_usec 3000000\n");
    expect((await r.read(3000))!.cpu.percent).toBe(50);
    const layout = await detectLayout(proc);
    expect(await readOomKills(layout)).toBe(1);
    expect(await readMemoryLimit(layout)).toBe(1000);
  });

  it("no disk figures when the root is an overlay on the host's disk (the lxc provider's containers)", async () => {
    const root = tree({ "cg/memory.current": "300\n", "cg/cpu.stat": "usage_usec 1\n" });
    const mi = `20 1 0:40 / / rw - overlay overlay rw,lowerdir=/t,upperdir=/u,workdir=/w\n30 23 0:26 / ${path.join(root, "cg")} rw - cgroup2 cgroup2 rw\n`;
    const proc = tree({ "self/cgroup": "0::/\n", "self/mountinfo": mi });
    const s = await new ContainerStatsReader({ procRoot: proc, diskPath: root }).read();
    expect(s!.memory.usageBytes).toBe(300);
    expect(s!.disk).toBeNull();
  });

  it("reads v1 files: no limit when the kernel's unlimited value is set", async () => {
    const root = tree({ "memory/memory.usage_in_bytes": "5000\n", "memory/memory.limit_in_bytes": "9223372036854771712\n", "memory/memory.stat": "total_inactive_file 1000\n", "memory/memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n", "cpuacct/cpuacct.usage": "1500000000\n", "pids/pids.current": "3\n", "pids/pids.max": "max\n" });
    const mi = ["memory", "cpuacct", "pids"].map((c, i) => `${40 + i} 31 0:${i} / ${path.join(root, c)} rw - cgroup cgroup rw,${c}`).join("\n");
    const proc = tree({ "self/cgroup": "5:memory:/\n4:cpuacct:/\n3:pids:/\n0::/\n", "self/mountinfo": mi });
    const s = await new ContainerStatsReader({ procRoot: proc, diskPath: root }).read();
    expect(s).toMatchObject({ source: "cgroup-v1", cpu: { usageSeconds: 1.5 }, memory: { usedBytes: 4000, usageBytes: 5000, limitBytes: null, oomKills: 0 }, pids: { current: 3, limit: null }, net: null });
  });

  it("no cgroup found: null, not made-up figures", async () => {
    const proc = tree({ "self/cgroup": "", "self/mountinfo": "" });
    expect(await new ContainerStatsReader({ procRoot: proc, diskPath: "/" }).read()).toBeNull();
  });

  it("this machine's own cgroup answers real figures", async () => {
    const s = await new ContainerStatsReader().read();
    expect(s).not.toBeNull();
    expect(s!.memory.usageBytes).toBeGreaterThan(0);
    expect(s!.cpu.usageSeconds).toBeGreaterThan(0);
  });
});
