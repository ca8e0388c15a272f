import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Linux namespaces for local containers: a private pid namespace (destroying the container's init
 * takes every process with it) and a private /tmp, while the network stays shared so the portal
 * reaches the agent on loopback. bubblewrap when installed, util-linux unshare otherwise, none when
 * the machine refuses both (the Server row then says isolated = false).
 */
export type IsolationMode = "bwrap" | "unshare" | "none";

/**
 * The command line that runs `argv` in the chosen sandbox with `tmpDir` as its /tmp, or with the
 * machine's /tmp when `tmpDir` is null (a private /tmp would hide a checkout or data folder that
 * itself lives under /tmp).
 */
export function sandboxCommand(mode: IsolationMode, tmpDir: string | null, argv: string[]): string[] {
  switch (mode) {
    case "bwrap":
      return ["bwrap", "--dev-bind", "/", "/", "--proc", "/proc", ...(tmpDir ? ["--bind", tmpDir, "/tmp"] : []), "--unshare-pid", "--new-session", "--", ...argv];
    case "unshare":
      if (!tmpDir) return ["unshare", "--pid", "--fork", "--mount", "--mount-proc", "--propagation", "private", ...argv];
      return ["unshare", "--pid", "--fork", "--mount", "--mount-proc", "--propagation", "private", "sh", "-c", 'mount --bind "$0" /tmp && exec "$@"', tmpDir, ...argv];
    case "none":
      return argv;
  }
}

/** Whether a private /tmp can be used: nothing the agent needs may live under the machine's /tmp. */
export function privateTmpFor(tmpDir: string, needed: string[]): string | null {
  const sysTmp = path.resolve(os.tmpdir());
  const under = (p: string) => {
    const r = path.resolve(p);
    return r === sysTmp || r.startsWith(sysTmp + path.sep) || r === "/tmp" || r.startsWith("/tmp/");
  };
  return needed.some(under) ? null : tmpDir;
}

let probed: IsolationMode | undefined;

/** Tries each sandbox once per process with a harmless command; the first that works wins. */
export function detectIsolation(): IsolationMode {
  if (probed) return probed;
  const forced = process.env.ZLH_LOCAL_ISOLATION;
  if (forced === "bwrap" || forced === "unshare" || forced === "none") return (probed = forced);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "zlh-isolation-probe-"));
  try {
    for (const mode of ["bwrap", "unshare"] as const) {
      const [cmd, ...args] = sandboxCommand(mode, tmp, ["sh", "-c", "test $$ -lt 10"]);
      const r = spawnSync(cmd!, args, { stdio: "ignore", timeout: 5_000 });
      if (r.status === 0) return (probed = mode);
    }
    return (probed = "none");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
