import { describe, expect, it } from "vitest";
import { parseCgroupMounts, parseProcCgroup, resolveLayout } from "./cgroup-layout";

// This project's test machines: v1 controllers plus an empty unified tree (hybrid).
const hybridCgroup = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/56ef\n2:cpuacct:/\n1:cpu:/\n0::/\n";
const hybridMounts = [
  "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
  "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
  "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
  "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
  "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
  "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
  "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
].join("\n");

describe("resolveLayout", () => {
  it("hybrid machine: v1, the process's own memory cgroup", () => {
    expect(resolveLayout(hybridCgroup, hybridMounts)).toEqual({ version: "v1", memory: "/sys/fs/cgroup/memory/process_api/56ef", cpuacct: "/sys/fs/cgroup/cpuacct", pids: "/sys/fs/cgroup/pids" });
  });

  it("inside an LXC container with a cgroup namespace (v1, co-mounted cpu,cpuacct): the mount roots", () => {
    const cg = "5:memory:/\n4:cpu,cpuacct:/\n3:pids:/\n";
    const mounts = [
      "100 99 0:40 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory",
      "101 99 0:41 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct",
      "102 99 0:42 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids",
    ].join("\n");
    expect(resolveLayout(cg, mounts)).toEqual({ version: "v1", memory: "/sys/fs/cgroup/memory", cpuacct: "/sys/fs/cgroup/cpu,cpuacct", pids: "/sys/fs/cgroup/pids" });
  });

  it("a bind mount of the container's own cgroup (mount root = its path) resolves to the mount point", () => {
    const cg = "4:memory:/lxc.payload.c1\n";
    const mounts = "100 99 0:40 /lxc.payload.c1 /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory";
    expect(resolveLayout(cg, mounts)).toMatchObject({ version: "v1", memory: "/sys/fs/cgroup/memory" });
  });

  it("pure v2 (current distributions)", () => {
    expect(resolveLayout("0::/lxc.payload.c1\n", "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate")).toEqual({ version: "v2", dir: "/sys/fs/cgroup/lxc.payload.c1" });
    expect(resolveLayout("0::/\n", "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw")).toEqual({ version: "v2", dir: "/sys/fs/cgroup" });
  });

  it("a path outside the mount's root or climbing out is not guessed", () => {
    expect(resolveLayout("4:memory:/other\n", "1 0 0:1 /lxc.payload.c1 /m rw - cgroup cgroup rw,memory")).toBeNull();
    expect(resolveLayout("0::/../x\n", "1 0 0:1 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw")).toBeNull();
    expect(resolveLayout("", "")).toBeNull();
  });
});

describe("parsers", () => {
  it("reads controllers and the v2 path", () => {
    const m = parseProcCgroup(hybridCgroup);
    expect(m.v2).toBe("/");
    expect(m.v1.get("memory")).toBe("/process_api/56ef");
    expect(m.v1.get("name=systemd")).toBe("/");
  });
  it("decodes escaped mount points", () => {
    expect(parseCgroupMounts("1 0 0:1 / /sys/fs/my\\040cg rw - cgroup2 cgroup2 rw")[0]).toEqual({ mountPoint: "/sys/fs/my cg", root: "/", fstype: "cgroup2", controllers: [] });
  });
});
