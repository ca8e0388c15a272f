import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * Thin wrappers over LXC's own tools, always with an explicit lxcpath (-P) and a minimal
 * environment: nothing of the portal's environment reaches them or the container.
 */
const TOOL_ENV = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" } as unknown as NodeJS.ProcessEnv;

export type RunResult = { code: number | null; out: string };

export function runTool(cmd: string, args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: TOOL_ENV, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let out = "";
    const take = (d: Buffer) => {
      // Bounded: these tools print a few lines; a runaway one must not grow the portal's memory.
      if (out.length < 64 * 1024) out += d.toString();
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

async function must(cmd: string, args: string[], timeoutMs?: number): Promise<string> {
  const r = await runTool(cmd, args, timeoutMs);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${r.code}: ${r.out.trim().slice(-1500)}`);
  return r.out;
}

export type LxcState = "RUNNING" | "STOPPED" | "STARTING" | "STOPPING" | "ABORTING" | "FREEZING" | "FROZEN" | "THAWED";

export async function lxcState(lxcpath: string, name: string): Promise<LxcState> {
  const out = (await must("lxc-info", ["-P", lxcpath, "-n", name, "-sH"], 15_000)).trim();
  return out as LxcState;
}

/** The container's init as the host sees it, or null when it is not running. */
export async function lxcInitPid(lxcpath: string, name: string): Promise<number | null> {
  const r = await runTool("lxc-info", ["-P", lxcpath, "-n", name, "-pH"], 15_000);
  const pid = Number(r.out.trim());
  return r.code === 0 && Number.isInteger(pid) && pid > 1 ? pid : null;
}

export async function lxcStart(lxcpath: string, name: string): Promise<void> {
  await must("lxc-start", ["-P", lxcpath, "-n", name, "-d"], 60_000);
}

/** Graceful (SIGPWR to init, which SIGTERMs the agent) for timeoutS seconds, then killed. */
export async function lxcStop(lxcpath: string, name: string, timeoutS: number): Promise<void> {
  const r = await runTool("lxc-stop", ["-P", lxcpath, "-n", name, "-t", String(Math.max(1, Math.round(timeoutS)))], (timeoutS + 30) * 1000);
  // Exit 2 means "not running": already stopped is a successful stop.
  if (r.code !== 0 && r.code !== 2 && !/is not running/.test(r.out)) throw new Error(`lxc-stop ${name} exited with ${r.code}: ${r.out.trim().slice(-1500)}`);
}

export async function lxcDestroy(lxcpath: string, name: string): Promise<void> {
  // -f: a container still running is stopped (killed) first.
  await must("lxc-destroy", ["-P", lxcpath, "-n", name, "-f"], 120_000);
}

/** Pure: whether `dir` is a mount point in a /proc/self/mountinfo text (field 5; our paths have no spaces). */
export function isMountPoint(mountinfo: string, dir: string): boolean {
  return mountinfo.split("\n").some((l) => l.split(" ")[4] === dir);
}

/**
 * Makes `dir` its own mount with nosymfollow: the container owns what is inside it (its agent
 * creates the socket there), so it could swap the socket for a symlink to any socket of the host;
 * on a nosymfollow mount the portal's connect() refuses to follow one (ELOOP). Idempotent.
 */
export async function ensureNoSymfollowMount(dir: string): Promise<void> {
  if (isMountPoint(readFileSync("/proc/self/mountinfo", "utf8"), dir)) return;
  await must("mount", ["--bind", dir, dir]);
  await must("mount", ["-o", "remount,bind,nosymfollow,nosuid,nodev,noexec", dir]);
}

export async function unmountIfMounted(dir: string): Promise<void> {
  while (isMountPoint(readFileSync("/proc/self/mountinfo", "utf8"), dir)) await must("umount", [dir]);
}
