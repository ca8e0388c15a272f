import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * The host's process table through /proc: how the local provider finds everything a container
 * started (its session, its pid namespace, anything working inside its folder) to leave nothing behind.
 */
export type ProcInfo = { pid: number; state: string; ppid: number; pgid: number; sid: number };

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses. */
export function parseStat(stat: string): ProcInfo | null {
  const close = stat.lastIndexOf(")");
  if (close < 0) return null;
  const pid = Number.parseInt(stat, 10);
  const rest = stat.slice(close + 2).split(" ");
  const state = rest[0] ?? "";
  const ppid = Number(rest[1]);
  const pgid = Number(rest[2]);
  const sid = Number(rest[3]);
  if (![pid, ppid, pgid, sid].every(Number.isInteger)) return null;
  return { pid, state, ppid, pgid, sid };
}

export function listPids(): number[] {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
}

export function procInfo(pid: number): ProcInfo | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

export function pidNamespace(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0); it is gone for our purposes.
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/**
 * Every process belonging to a container: the session of its launcher, every process in a pid
 * namespace that a member of that session created (isolated containers), and anything whose
 * working directory or command line points inside the container folder.
 */
export function containerPids(launcherPid: number | null, dir: string): number[] {
  const own = pidNamespace(process.pid);
  const found = new Set<number>();
  const namespaces = new Set<string>();
  // Zombies are already dead (only waiting for their parent to reap them): nothing to kill.
  const all = listPids().filter((p) => p !== process.pid && procInfo(p)?.state !== "Z");
  if (launcherPid) {
    for (const p of all) {
      const info = procInfo(p);
      if (info && (info.sid === launcherPid || info.pid === launcherPid)) {
        found.add(p);
        const ns = pidNamespace(p);
        if (ns && ns !== own) namespaces.add(ns);
      }
    }
    // Members of the session may have created the namespace as children (bwrap's init).
    for (const p of all) {
      const info = procInfo(p);
      if (info && found.has(info.ppid)) {
        const ns = pidNamespace(p);
        if (ns && ns !== own) namespaces.add(ns);
      }
    }
  }
  const prefix = dir.endsWith("/") ? dir : dir + "/";
  for (const p of all) {
    if (found.has(p)) continue;
    const ns = pidNamespace(p);
    if (ns && namespaces.has(ns)) {
      found.add(p);
      continue;
    }
    const cwd = cwdOf(p);
    if (cwd && (cwd === dir || cwd.startsWith(prefix))) {
      found.add(p);
      continue;
    }
    if (cmdline(p).some((a) => a === dir || a.startsWith(prefix))) found.add(p);
  }
  return [...found];
}
