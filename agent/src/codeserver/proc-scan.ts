import { readFile, readdir } from "node:fs/promises";

/**
 * Finding code-server processes through /proc, so an agent restart adopts the code-server it (or a
 * previous agent) started instead of starting a second one on the same socket.
 */
export type ProcInfo = { pid: number; ppid: number; pgid: number; argv: string[] };

/** /proc/<pid>/cmdline: NUL-separated arguments. */
export function parseCmdline(raw: Buffer): string[] {
  const parts = raw.toString("utf8").split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}

/** /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses. */
export function parseStat(raw: string): { ppid: number; pgid: number } | null {
  const close = raw.lastIndexOf(")");
  if (close < 0) return null;
  const fields = raw.slice(close + 2).split(" ");
  const ppid = Number(fields[1]);
  const pgid = Number(fields[2]);
  return Number.isInteger(ppid) && Number.isInteger(pgid) ? { ppid, pgid } : null;
}

/** The state letter of /proc/<pid>/stat (R, S, D, Z, ...). */
export function procState(raw: string): string | null {
  const close = raw.lastIndexOf(")");
  return close < 0 ? null : (raw[close + 2] ?? null);
}

/** Whether argv is a code-server from `installDir` listening on `socket`. */
export function isCodeServerFor(argv: readonly string[], installDir: string, socket: string): boolean {
  const prefix = installDir.endsWith("/") ? installDir : `${installDir}/`;
  if (!argv.some((a) => a.startsWith(prefix))) return false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = a === "--socket" ? argv[i + 1] : a.startsWith("--socket=") ? a.slice("--socket=".length) : undefined;
    if (value === socket) return true;
  }
  return false;
}

/**
 * The process to treat as "the" code-server among the matches: the process-group leader we started
 * (pid === pgid), else the topmost match (its parent is not a match).
 */
export function pickMain(matches: readonly ProcInfo[]): ProcInfo | null {
  if (!matches.length) return null;
  const leader = matches.find((p) => p.pid === p.pgid);
  if (leader) return leader;
  const pids = new Set(matches.map((p) => p.pid));
  return matches.find((p) => !pids.has(p.ppid)) ?? matches[0]!;
}

/** Every pid in the tree under `root` (root included), from a process table. */
export function descendants(table: readonly ProcInfo[], root: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    if (out.includes(pid)) continue;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** A snapshot of /proc (processes that vanish mid-scan are skipped). */
export async function processTable(): Promise<ProcInfo[]> {
  const out: ProcInfo[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const [cmd, stat] = await Promise.all([readFile(`/proc/${name}/cmdline`), readFile(`/proc/${name}/stat`, "utf8")]);
      const s = parseStat(stat);
      if (!s) continue;
      out.push({ pid: Number(name), ppid: s.ppid, pgid: s.pgid, argv: parseCmdline(cmd) });
    } catch {
      // exited while we looked
    }
  }
  return out;
}
