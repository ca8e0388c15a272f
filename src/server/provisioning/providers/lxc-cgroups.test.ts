import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inContainerCgroup, lxcCgroupDirs, removeLeftoverCgroups } from "./lxc-cgroups";

describe("leftover LXC cgroups", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("lists the payload and monitor directories at the root and in each controller's hierarchy", () => {
    root = mkdtempSync(path.join(os.tmpdir(), "zlh-cg-"));
    for (const c of ["memory", "cpuacct", "lxc.payload.other"]) mkdirSync(path.join(root, c));
    expect(lxcCgroupDirs("zlh-1-ab", root).sort()).toEqual(
      [root, path.join(root, "cpuacct"), path.join(root, "memory")].flatMap((r) => [path.join(r, "lxc.monitor.zlh-1-ab"), path.join(r, "lxc.payload.zlh-1-ab")]).sort(),
    );
  });

  it("removes a leftover with its nested cgroups, leaves other names alone and reports one still in use", () => {
    root = mkdtempSync(path.join(os.tmpdir(), "zlh-cg-"));
    mkdirSync(path.join(root, "memory/lxc.payload.zlh-1-ab/init/deeper"), { recursive: true });
    mkdirSync(path.join(root, "memory/lxc.monitor.zlh-1-ab"), { recursive: true });
    mkdirSync(path.join(root, "memory/lxc.payload.zlh-2-ab"), { recursive: true });
    // A plain directory with a file stands in for a cgroup that still has a process (rmdir fails).
    mkdirSync(path.join(root, "pids/lxc.payload.zlh-1-ab"), { recursive: true });
    writeFileSync(path.join(root, "pids/lxc.payload.zlh-1-ab/held"), "");
    expect(removeLeftoverCgroups("zlh-1-ab", root)).toEqual([path.join(root, "pids/lxc.payload.zlh-1-ab")]);
    expect(existsSync(path.join(root, "memory/lxc.payload.zlh-1-ab"))).toBe(false);
    expect(existsSync(path.join(root, "memory/lxc.monitor.zlh-1-ab"))).toBe(false);
    expect(existsSync(path.join(root, "memory/lxc.payload.zlh-2-ab"))).toBe(true);
  });

  it("places a process in a container's cgroups by exact name, LXC's -N suffix included", () => {
    const name = "zlh-6001-ab12cd34";
    expect(inContainerCgroup("4:memory:/lxc.payload.zlh-6001-ab12cd34\n0::/\n", name)).toBe(true);
    expect(inContainerCgroup("4:memory:/lxc.payload.zlh-6001-ab12cd34-1\n", name)).toBe(true);
    expect(inContainerCgroup("0::/lxc.monitor.zlh-6001-ab12cd34/init.scope\n", name)).toBe(true);
    expect(inContainerCgroup("4:memory:/lxc.payload.zlh-60010-ab12cd34\n", name)).toBe(false);
    expect(inContainerCgroup("4:memory:/lxc.payload.zlh-6001-ab12cd345\n", name)).toBe(false);
    expect(inContainerCgroup("4:memory:/process_api/x\n0::/\n", name)).toBe(false);
  });
});
