import { parseMountinfo, type Mount } from "./cgroup-layout";

/**
 * Whether the filesystem holding `dir` is the container's own disk, from /proc/self/mountinfo. Pure.
 * statfs answers for whatever filesystem a path lives on: in a container whose root is an overlay
 * (the lxc provider: the template below, the container's changes in a folder of the host's disk) or
 * a bind-mounted host folder, that is the host's disk, and its figures (every tenant's files, the
 * host's size) are not this container's. A volume of its own (Proxmox VE's LV, ZFS subvolume or
 * image) is mounted whole: its root in mountinfo is "/" and its type is not a union.
 */
const UNION_TYPES = new Set(["overlay", "aufs", "unionfs"]);

const contains = (mountPoint: string, dir: string) => mountPoint === "/" || dir === mountPoint || dir.startsWith(`${mountPoint}/`);

export function isOwnDisk(mountinfo: string, dir: string): boolean {
  let best: Mount | null = null;
  // The deepest mount point holding dir; of equal ones the last, which is stacked on top.
  for (const m of parseMountinfo(mountinfo)) if (contains(m.mountPoint, dir) && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  return best !== null && best.root === "/" && !UNION_TYPES.has(best.fstype);
}
