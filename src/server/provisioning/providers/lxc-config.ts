/**
 * The LXC configuration of one ZeroLagHub container, as a pure function of its layout: an
 * unprivileged container (ids shifted by 100000, as Proxmox VE maps them), an overlay root filesystem
 * over the shared template, its own empty network namespace (slirp4netns plugs a tap in later),
 * cgroup limits from the plan, and the only host folders it sees: the agent bundle and its native
 * modules (read-only), its run folder (the agent's socket) and the host-owned folder with the
 * artifact socket (read-only).
 */
export type CgroupVersion = 1 | 2;

export const ID_SHIFT = 100_000;
export const ID_RANGE = 65_536;

/** Where things sit inside the container. */
export const IN = {
  agentDir: "/usr/local/lib/zlh/agent",
  nodeModules: "/usr/local/lib/zlh/node_modules",
  run: "/run/zlh",
  host: "/run/zlh-host",
  node: "/usr/local/bin/node",
  init: "/usr/local/sbin/zlh-init",
} as const;

export type LxcConfigInput = {
  name: string;
  hostname: string;
  kind: "dev" | "game";
  memoryMb: number;
  cgroup: CgroupVersion;
  /** Template root (uid-shifted, shared read-only) and this container's writable layer. */
  lowerDir: string;
  upperDir: string;
  agentDir: string;
  /** Host folders of the agent's native modules, each bound at <nodeModules>/<name>. */
  nativeModules: { name: string; dir: string }[];
  runDir: string;
  hostDir: string;
  consoleLog: string;
  lxcLog: string;
  agentArgs: string[];
  logLevel: string;
};

/**
 * The agent's game tuning knobs the operator may set on the portal (e2e uses short crash backoffs):
 * passed on as flags by name, never the portal's environment itself.
 */
const TUNING: Record<string, string> = {
  ZLH_GAME_BACKOFF_MS: "--game-backoff-ms",
  ZLH_GAME_STABLE_MS: "--game-stable-ms",
  ZLH_GAME_MAX_FAILURES: "--game-max-failures",
  ZLH_GAME_STOP_TIMEOUT_MS: "--game-stop-timeout-ms",
  ZLH_GAME_TERM_TIMEOUT_MS: "--game-term-timeout-ms",
  ZLH_GAME_READY_TIMEOUT_MS: "--game-ready-timeout-ms",
};

export function agentTuningFlags(env: Record<string, string | undefined>): string[] {
  return Object.entries(TUNING).flatMap(([name, flag]) => {
    const v = env[name];
    return v && /^[0-9,]{1,200}$/.test(v) ? [flag, v] : [];
  });
}

/** pids.max: enough for a game's JVM or a dev shell with a build running, not a fork bomb. */
export function pidsLimit(kind: "dev" | "game"): number {
  return kind === "game" ? 1024 : 512;
}

/** CPU share follows the plan's memory: 1024 shares (weight 100) per GiB, so a bigger plan gets more CPU under contention. */
export function cpuShares(memoryMb: number): number {
  return Math.max(128, Math.round(memoryMb));
}

export function cgroupLines(version: CgroupVersion, kind: "dev" | "game", memoryMb: number): string[] {
  const bytes = memoryMb * 1024 * 1024;
  const pids = pidsLimit(kind);
  const shares = cpuShares(memoryMb);
  if (version === 1) {
    return [
      `lxc.cgroup.memory.limit_in_bytes = ${bytes}`,
      `lxc.cgroup.pids.max = ${pids}`,
      `lxc.cgroup.cpu.shares = ${shares}`,
    ];
  }
  return [
    `lxc.cgroup2.memory.max = ${bytes}`,
    // No swap beyond the limit: an over-limit container is OOM-killed and reported, not slowed down.
    `lxc.cgroup2.memory.swap.max = 0`,
    `lxc.cgroup2.pids.max = ${pids}`,
    `lxc.cgroup2.cpu.weight = ${Math.min(10_000, Math.max(1, Math.round((shares * 100) / 1024)))}`,
  ];
}

/**
 * The container's own cgroup, read-only, where its agent reads CPU, memory, pids and OOM counts. On
 * v2 LXC mounts it (cgroup namespace, cgroup:mixed); v1 hierarchies cannot be mounted from inside a
 * user namespace, so LXC's payload cgroup of each controller is bound in, read-only: the container
 * sees its usage and limits and cannot change them.
 */
export function cgroupViewLines(version: CgroupVersion, name: string): string[] {
  if (version === 2) return [];
  return [
    "lxc.mount.entry = tmpfs sys/fs/cgroup tmpfs rw,nosuid,nodev,noexec,size=64k,mode=755 0 0",
    ...["memory", "pids", "cpuacct", "cpu"].map(
      (c) => `lxc.mount.entry = /sys/fs/cgroup/${c}/lxc.payload.${name} sys/fs/cgroup/${c} none ro,bind,create=dir,optional,nosuid,nodev,noexec 0 0`,
    ),
  ];
}

/** CGROUP2_SUPER_MAGIC on /sys/fs/cgroup is the unified hierarchy (v2); tmpfs holding v1 controllers (or hybrid) is v1. */
export function cgroupVersionOf(fsMagic: number): CgroupVersion {
  return fsMagic === 0x63677270 ? 2 : 1;
}

/** LXC splits values on nothing but the line: a newline in a value would inject a key. */
function clean(v: string, what: string): string {
  if (/[\n\r\0]/.test(v)) throw new Error(`${what} contains a line break`);
  return v;
}

/** lxc.init.cmd is split on spaces without quoting: every argument must be a single word. */
function word(v: string, what: string): string {
  clean(v, what);
  if (v === "" || /\s/.test(v)) throw new Error(`${what} must be one word without spaces: ${JSON.stringify(v)}`);
  return v;
}

function bind(src: string, dest: string, mode: "ro" | "rw", what: string): string {
  const rel = dest.replace(/^\//, "");
  return `lxc.mount.entry = ${word(src, what)} ${word(rel, what)} none ${mode === "ro" ? "ro," : ""}bind,create=dir,nosuid,nodev 0 0`;
}

export function renderLxcConfig(c: LxcConfigInput): string {
  if (!/^[a-z0-9-]{1,63}$/.test(c.name)) throw new Error(`bad container name ${c.name}`);
  if (!/^[a-z0-9-]{1,63}$/.test(c.hostname)) throw new Error(`bad hostname ${c.hostname}`);
  if (!Number.isInteger(c.memoryMb) || c.memoryMb < 64) throw new Error(`memory ${c.memoryMb} MB is too small`);
  const init = [IN.init, "-n", c.name, "--", IN.node, `${IN.agentDir}/main.mjs`, ...c.agentArgs].map((a) => word(a, "agent argument"));
  const lines = [
    "# Written by ZeroLagHub's lxc provider on every start; edits are overwritten.",
    `lxc.uts.name = ${c.hostname}`,
    "lxc.include = /usr/share/lxc/config/common.conf",
    "lxc.include = /usr/share/lxc/config/userns.conf",
    `lxc.idmap = u 0 ${ID_SHIFT} ${ID_RANGE}`,
    `lxc.idmap = g 0 ${ID_SHIFT} ${ID_RANGE}`,
    // The generated AppArmor profile cannot be loaded here (measured); the user namespace, the
    // dropped capabilities and seccomp from common.conf remain.
    "lxc.apparmor.profile = unconfined",
    `lxc.rootfs.path = overlay:${word(c.lowerDir, "template dir")}:${word(c.upperDir, "upper dir")}`,
    "lxc.autodev = 1",
    "lxc.net.0.type = empty",
    ...cgroupLines(c.cgroup, c.kind, c.memoryMb),
    bind(c.agentDir, IN.agentDir, "ro", "agent dir"),
    ...c.nativeModules.map((m) => bind(m.dir, `${IN.nodeModules}/${m.name}`, "ro", "native module")),
    bind(c.runDir, IN.run, "rw", "run dir"),
    bind(c.hostDir, IN.host, "ro", "host dir"),
    ...cgroupViewLines(c.cgroup, c.name),
    `lxc.console.logfile = ${clean(c.consoleLog, "console log")}`,
    // The agent logs to its console: bounded (one rotated copy) so a chatty container cannot fill the disk.
    "lxc.console.size = 4194304",
    "lxc.console.rotate = 1",
    `lxc.log.file = ${clean(c.lxcLog, "lxc log")}`,
    "lxc.log.level = WARN",
    // The agent's whole environment (lxc-start clears the rest): nothing of the portal's.
    "lxc.environment = PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "lxc.environment = HOME=/root",
    "lxc.environment = LANG=C.UTF-8",
    "lxc.environment = NODE_ENV=production",
    `lxc.environment = LOG_LEVEL=${word(c.logLevel, "log level")}`,
    // init.lxc reaps orphans and turns lxc-stop's SIGPWR into SIGTERM for the agent.
    `lxc.init.cmd = ${init.join(" ")}`,
  ];
  return `${lines.join("\n")}\n`;
}
