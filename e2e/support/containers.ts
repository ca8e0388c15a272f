import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Reaching into a server's container from the e2e specs, whichever provider the portal runs: lxc
 * (root: real containers under <data>/lxc/containers/zlh-<vmid>-<tag>, reached with lxc-attach) or
 * unisolated (a folder <data>/containers/<vmid>/root).
 */
function lxcOf(dataDir: string, vmid: number): { lxcpath: string; name: string } | null {
  const lxcpath = path.join(dataDir, "lxc", "containers");
  const name = existsSync(lxcpath) ? readdirSync(lxcpath).find((n) => n.startsWith(`zlh-${vmid}-`)) : undefined;
  return name ? { lxcpath, name } : null;
}

function attach(c: { lxcpath: string; name: string }, args: string[], input?: Buffer | string): Buffer {
  return execFileSync("lxc-attach", ["-P", c.lxcpath, "-n", c.name, "--", ...args], { input, maxBuffer: 256 * 1024 * 1024 });
}

export function readContainerFile(dataDir: string, vmid: number, containerPath: string): Buffer | null {
  const c = lxcOf(dataDir, vmid);
  if (c) {
    try {
      return attach(c, ["cat", containerPath]);
    } catch {
      return null;
    }
  }
  const onDisk = path.join(dataDir, "containers", String(vmid), "root", containerPath);
  return existsSync(onDisk) ? readFileSync(onDisk) : null;
}

/** Writes a file as the container's dev user would find it (owned by dev in a real container). */
export function writeContainerFile(dataDir: string, vmid: number, containerPath: string, content: string): void {
  const c = lxcOf(dataDir, vmid);
  if (c) {
    attach(c, ["sh", "-c", 'mkdir -p "$(dirname "$1")" && cat > "$1" && chown -R dev:dev "$(dirname "$1")"', "sh", containerPath], content);
    return;
  }
  const onDisk = path.join(dataDir, "containers", String(vmid), "root", containerPath);
  mkdirSync(path.dirname(onDisk), { recursive: true });
  writeFileSync(onDisk, content);
}

/** Host pid of the game (not its supervising wrapper) of a container. */
export function gameHostPid(dataDir: string, vmid: number): number {
  const c = lxcOf(dataDir, vmid);
  const launcher = c ? "/opt/zlh/game/server/launcher.mjs" : path.join(dataDir, "containers", String(vmid), "root", "opt/zlh/game/server/launcher.mjs");
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (!argv.includes(launcher) || argv.some((a) => a.endsWith("wrapper.mjs"))) continue;
      // In a real container the path is the container's own: the process must be in its cgroup.
      if (c && !readFileSync(`/proc/${entry}/cgroup`, "utf8").includes(`lxc.payload.${c.name}`)) continue;
      return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no game process running from ${launcher} (server ${vmid})`);
}
