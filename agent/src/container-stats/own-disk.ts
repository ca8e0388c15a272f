/**
 * Whether the filesystem holding `dir` is the container's own disk, from /proc/self/mountinfo. Pure.
 * statfs answers for whatever filesystem a path lives on: in a container whose root is an overlay
 * (the lxc provider: the template below, the container's changes in a folder of the host's disk) or
 * a bind-mounted host folder, that is the host's disk, and its figures (every tenant's files, the
 * host's size) are not this container's. A volume of its own (Proxmox VE's LV, ZFS subvolume or
 * image) is mounted whole: its root in mountinfo is "/" and its type is not a union.
 */
const UNION_TYPES = new Set(["overlay", "aufs", "unionfs"]);

type Mount = { mountPoint: string; root: string; fstype: string };

const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

function parseMounts(mountinfo: string): Mount[] {
  const out: Mount[] = [];
  for (const line of mountinfo.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const f = left.split(" ");
    if (f.length < 5) continue;
    out.push({ mountPoint: unescape(f[4]!), root: unescape(f[3]!), fstype: right.split(" ")[0] ?? "" });
  }
  return out;
}

const contains = (mountPoint: string, dir: string) => mountPoint === "/" || dir === mountPoint || dir.startsWith(`${mountPoint}/`);

export function isOwnDisk(mountinfo: string, dir: string): boolean {
  let best: Mount | null = null;
  // The deepest mount point holding dir; of equal ones the last, which is stacked on top.
  for (const m of parseMounts(mountinfo)) if (contains(m.mountPoint, dir) && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  return best !== null && best.root === "/" && !UNION_TYPES.has(best.fstype);
}
