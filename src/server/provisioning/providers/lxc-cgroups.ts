import { readdirSync, rmdirSync } from "node:fs";
import path from "node:path";

const CGROUP_ROOT = "/sys/fs/cgroup";

/**
 * LXC's cgroup directories for a container name: `lxc.payload.<name>` and `lxc.monitor.<name>` at
 * the root of the v2 tree and at the root of each v1 controller's hierarchy.
 */
export function lxcCgroupDirs(name: string, root = CGROUP_ROOT): string[] {
  let controllers: string[] = [];
  try {
    controllers = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith("lxc.")).map((d) => path.join(root, d.name));
  } catch {
    // no cgroup file system here: nothing to look at
  }
  return [root, ...controllers].flatMap((r) => [path.join(r, `lxc.payload.${name}`), path.join(r, `lxc.monitor.${name}`)]);
}

/**
 * Removes the cgroups a container's earlier run left behind (its LXC monitor was killed and could
 * not clean up). LXC never reuses a cgroup that exists: it names the new one `<name>-1`, while the
 * container's read-only view of its own cgroup (lxc-config.ts) is bound from `lxc.payload.<name>`,
 * so its agent would read the empty leftover (no usage, no limit). Returns the directories that
 * could not be removed because a process is still in them.
 */
export function removeLeftoverCgroups(name: string, root = CGROUP_ROOT): string[] {
  const busy: string[] = [];
  for (const dir of lxcCgroupDirs(name, root)) {
    try {
      rmdirDeep(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") busy.push(dir);
    }
  }
  return busy;
}

/** A cgroup directory goes with rmdir once its children have (its control files cannot be unlinked). */
function rmdirDeep(dir: string): void {
  for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory()) rmdirDeep(path.join(dir, d.name));
  rmdirSync(dir);
}

/** True when a /proc/<pid>/cgroup text places the process in one of this container's cgroups, suffixed ones included. */
export function inContainerCgroup(procCgroup: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`/lxc\\.(payload|monitor)\\.${escaped}(-\\d+)?(/|$)`, "m").test(procCgroup);
}
