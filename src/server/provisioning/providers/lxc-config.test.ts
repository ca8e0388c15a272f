import { describe, expect, it } from "vitest";
import { upstreamFor } from "./lxc-artifacts-proxy";
import { agentTuningFlags, cgroupLines, cgroupVersionOf, renderLxcConfig, type LxcConfigInput } from "./lxc-config";
import { moduleClosure } from "./lxc-native-modules";
import { isMountPoint } from "./lxc-cmd";
import { chooseProvider } from "./select";
import { debianMirror } from "../../../../scripts/artifacts/builders/template";

const base: LxcConfigInput = {
  name: "zlh-6001-0123abcd",
  hostname: "zlh-6001",
  kind: "dev",
  memoryMb: 1024,
  cgroup: 1,
  lowerDir: "/d/lxc/templates/1.0.0/rootfs",
  upperDir: "/d/lxc/containers/zlh-6001-0123abcd/upper",
  agentDir: "/repo/agent/dist",
  nativeModules: [{ name: "node-pty", dir: "/repo/node_modules/node-pty" }],
  runDir: "/d/lxc/containers/zlh-6001-0123abcd/run",
  hostDir: "/d/lxc/containers/zlh-6001-0123abcd/host",
  consoleLog: "/d/lxc/containers/zlh-6001-0123abcd/console.log",
  lxcLog: "/d/lxc/containers/zlh-6001-0123abcd/lxc.log",
  agentArgs: ["--socket", "/run/zlh/agent.sock", "--root", "/"],
  logLevel: "info",
};

const keys = (text: string) => text.split("\n").filter((l) => l && !l.startsWith("#"));

describe("lxc config", () => {
  it("is unprivileged, unconfined by AppArmor only, on an overlay, with an empty network and the plan's limits", () => {
    const c = keys(renderLxcConfig(base));
    expect(c).toContain("lxc.idmap = u 0 100000 65536");
    expect(c).toContain("lxc.idmap = g 0 100000 65536");
    expect(c).toContain("lxc.apparmor.profile = unconfined");
    expect(c).toContain(`lxc.rootfs.path = overlay:${base.lowerDir}:${base.upperDir}`);
    expect(c).toContain("lxc.net.0.type = empty");
    expect(c).toContain(`lxc.cgroup.memory.limit_in_bytes = ${1024 * 1024 * 1024}`);
    expect(c).toContain("lxc.cgroup.pids.max = 512");
    expect(c).toContain("lxc.cgroup.cpu.shares = 1024");
    expect(c).toContain("lxc.include = /usr/share/lxc/config/userns.conf");
    expect(c.at(-1)).toBe("lxc.init.cmd = /usr/local/sbin/zlh-init -n zlh-6001-0123abcd -- /usr/local/bin/node /usr/local/lib/zlh/agent/main.mjs --socket /run/zlh/agent.sock --root /");
  });

  it("binds only the agent, its native modules (read-only), the run folder and the host-owned socket folder (read-only)", () => {
    const mounts = keys(renderLxcConfig({ ...base, cgroup: 2 })).filter((l) => l.startsWith("lxc.mount.entry"));
    expect(mounts).toEqual([
      "lxc.mount.entry = /repo/agent/dist usr/local/lib/zlh/agent none ro,bind,create=dir,nosuid,nodev 0 0",
      "lxc.mount.entry = /repo/node_modules/node-pty usr/local/lib/zlh/node_modules/node-pty none ro,bind,create=dir,nosuid,nodev 0 0",
      `lxc.mount.entry = ${base.runDir} run/zlh none bind,create=dir,nosuid,nodev 0 0`,
      `lxc.mount.entry = ${base.hostDir} run/zlh-host none ro,bind,create=dir,nosuid,nodev 0 0`,
    ]);
  });

  it("shows the container its own cgroup v1 controllers read-only (usage and limits, not writable)", () => {
    const mounts = keys(renderLxcConfig(base)).filter((l) => l.includes("sys/fs/cgroup"));
    expect(mounts[0]).toMatch(/^lxc.mount.entry = tmpfs sys\/fs\/cgroup tmpfs /);
    expect(mounts).toContain(`lxc.mount.entry = /sys/fs/cgroup/memory/lxc.payload.${base.name} sys/fs/cgroup/memory none ro,bind,create=dir,optional,nosuid,nodev,noexec 0 0`);
    expect(mounts.slice(1).every((m) => / none ro,bind,/.test(m))).toBe(true);
  });

  it("gives the agent an allowlisted environment and no token", () => {
    const env = keys(renderLxcConfig(base)).filter((l) => l.startsWith("lxc.environment"));
    expect(env.map((l) => l.split(" = ")[1]!.split("=")[0])).toEqual(["PATH", "HOME", "LANG", "NODE_ENV", "LOG_LEVEL"]);
  });

  it("passes the operator's game tuning on as flags, nothing else of the environment", () => {
    expect(agentTuningFlags({ ZLH_GAME_BACKOFF_MS: "1000,2000", ZLH_GAME_MAX_FAILURES: "3", DATABASE_URL: "postgres://x", ZLH_GAME_STABLE_MS: "1 --root /etc" })).toEqual([
      "--game-backoff-ms", "1000,2000", "--game-max-failures", "3",
    ]);
  });

  it("writes cgroup v2 keys on a unified hierarchy", () => {
    expect(cgroupVersionOf(0x63677270)).toBe(2);
    expect(cgroupVersionOf(0x01021994)).toBe(1);
    expect(cgroupLines(2, "game", 2048)).toEqual([
      `lxc.cgroup2.memory.max = ${2048 * 1024 * 1024}`,
      "lxc.cgroup2.memory.swap.max = 0",
      "lxc.cgroup2.pids.max = 1024",
      "lxc.cgroup2.cpu.weight = 200",
    ]);
  });

  it("refuses values that would inject keys or split init arguments", () => {
    expect(() => renderLxcConfig({ ...base, agentArgs: ["--artifacts", "http://x/\nlxc.mount.entry = / host none bind 0 0"] })).toThrow(/line break/);
    expect(() => renderLxcConfig({ ...base, agentArgs: ["--artifacts", "http://x/ --root /etc"] })).toThrow(/one word/);
    expect(() => renderLxcConfig({ ...base, upperDir: "/a b" })).toThrow(/one word/);
    expect(() => renderLxcConfig({ ...base, name: "../x" })).toThrow(/name/);
    expect(() => renderLxcConfig({ ...base, memoryMb: 8 })).toThrow(/too small/);
  });
});

describe("lxc helpers", () => {
  it("artifact proxy: only paths under the store's base on its origin", () => {
    const b = new URL("http://127.0.0.1:3000/artifacts/");
    expect(upstreamFor(b, "/artifacts/catalog.json")?.href).toBe("http://127.0.0.1:3000/artifacts/catalog.json");
    expect(upstreamFor(b, "/artifacts/../api/trpc/x")).toBeNull();
    expect(upstreamFor(b, "/artifacts/%2e%2e/api")).toBeNull();
    expect(upstreamFor(b, "//evil.example/artifacts/x")).toBeNull();
    expect(upstreamFor(b, "/api/auth/session")).toBeNull();
    expect(upstreamFor(new URL("http://127.0.0.1:9/"), "/x/y.tar.gz")?.pathname).toBe("/x/y.tar.gz");
  });

  it("native modules: the top-level packages of the closure, nested ones travelling inside their parent", () => {
    // ssh2 has its own nested asn1, which needs safer-buffer from the top level.
    const tree: Record<string, string[]> = {
      "/nm/node-pty": ["node-addon-api"],
      "/nm/node-addon-api": [],
      "/nm/ssh2": ["asn1", "cpu-features"],
      "/nm/ssh2/node_modules/asn1": ["safer-buffer"],
      "/nm/safer-buffer": [],
    };
    const resolve = (name: string, from: string | null) =>
      [from && `${from}/node_modules/${name}`, `/nm/${name}`].find((d) => d && d in tree) ?? null;
    const topLevel = (dir: string) => (/^\/nm\/[^/]+$/.test(dir) ? dir.slice(4) : null);
    expect(moduleClosure(["node-pty", "ssh2"], { resolve, deps: (d) => tree[d]!, topLevel })).toEqual(["node-addon-api", "node-pty", "safer-buffer", "ssh2"]);
  });

  it("mount points from mountinfo", () => {
    const mi = "36 25 0:32 / /d/lxc/containers/zlh-1-aa/run rw,nosymfollow shared:1 - ext4 /dev/vda rw\n22 1 0:21 / / rw - ext4 /dev/vda rw\n";
    expect(isMountPoint(mi, "/d/lxc/containers/zlh-1-aa/run")).toBe(true);
    expect(isMountPoint(mi, "/d/lxc/containers/zlh-1-aa")).toBe(false);
  });

  it("provider choice: lxc as root with LXC, unisolated otherwise", () => {
    expect(chooseProvider({ root: true, lxcInstalled: true })).toBe("lxc");
    expect(chooseProvider({ root: true, lxcInstalled: false })).toBe("unisolated");
    expect(chooseProvider({ root: false, lxcInstalled: true })).toBe("unisolated");
  });

  it("template mirror: the one apt uses", () => {
    const deb822 = "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n\nTypes: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n";
    expect(debianMirror({ deb822: [deb822], list: [] })).toBe("http://mirror.example/debian");
    expect(debianMirror({ deb822: [], list: ["deb [arch=amd64] http://m2/debian bookworm main\n"] })).toBe("http://m2/debian");
    expect(debianMirror({ deb822: [], list: [] })).toBe("http://deb.debian.org/debian");
  });
});
