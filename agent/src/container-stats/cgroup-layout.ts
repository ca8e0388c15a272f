import path from "node:path";

/**
 * Where the container's own cgroup lives, from /proc/self/cgroup and /proc/self/mountinfo. Pure.
 * cgroup v1 (this project's test machines: one hierarchy per controller) and v2 (the unified tree
 * of current distributions) are both read: which one applies is decided at run time, per machine.
 */
export type CgroupLayout =
  | { version: "v1"; memory: string | null; cpuacct: string | null; pids: string | null }
  | { version: "v2"; dir: string };

type Membership = { v2: string | null; v1: Map<string, string> };

/** /proc/<pid>/cgroup: "0::/path" (v2) and "N:ctrl1,ctrl2:/path" (v1). */
export function parseProcCgroup(text: string): Membership {
  const out: Membership = { v2: null, v1: new Map() };
  for (const line of text.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === "0" && m[2] === "") out.v2 = m[3]!;
    else for (const c of m[2]!.split(",")) if (c) out.v1.set(c, m[3]!);
  }
  return out;
}

export type CgroupMount = { mountPoint: string; root: string; fstype: "cgroup" | "cgroup2"; controllers: string[] };

export type Mount = { mountPoint: string; root: string; fstype: string; superOpts: string };

/** Every mount of /proc/<pid>/mountinfo (octal escapes such as \040 decoded). */
export function parseMountinfo(mountinfo: string): Mount[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const out: Mount[] = [];
  for (const line of mountinfo.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const f = left.split(" ");
    if (f.length < 5) continue;
    const [fstype = "", , superOpts = ""] = right.split(" ");
    out.push({ mountPoint: unescape(f[4]!), root: unescape(f[3]!), fstype, superOpts });
  }
  return out;
}

/** The cgroup mounts of /proc/<pid>/mountinfo. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const { mountPoint, root, fstype, superOpts } of parseMountinfo(mountinfo)) {
    if (fstype !== "cgroup" && fstype !== "cgroup2") continue;
    const controllers = fstype === "cgroup" ? superOpts.split(",").filter((o) => o !== "rw" && o !== "ro" && !o.includes("=")) : [];
    out.push({ mountPoint, root, fstype, controllers });
  }
  return out;
}

/** The folder of `cgPath` under a mount whose root is `mountRoot`, or null when it is not below it. */
function under(mount: CgroupMount, cgPath: string): string | null {
  const root = mount.root === "/" ? "" : mount.root.replace(/\/+$/, "");
  if (root && cgPath !== root && !cgPath.startsWith(root + "/")) return null;
  const rel = cgPath.slice(root.length).replace(/^\/+/, "");
  if (rel.split("/").includes("..")) return null;
  return rel ? path.posix.join(mount.mountPoint, rel) : mount.mountPoint;
}

function v1Dir(mounts: CgroupMount[], member: Membership, controller: string): string | null {
  const cgPath = member.v1.get(controller);
  if (cgPath === undefined) return null;
  for (const m of mounts) if (m.fstype === "cgroup" && m.controllers.includes(controller)) return under(m, cgPath);
  return null;
}

/**
 * v1 when the memory controller is on a v1 hierarchy (hybrid machines mount an empty v2 tree
 * beside it), else v2 when the process is in the unified tree; null when neither can be found.
 */
export function resolveLayout(procCgroup: string, mountinfo: string): CgroupLayout | null {
  const member = parseProcCgroup(procCgroup);
  const mounts = parseCgroupMounts(mountinfo);
  const memory = v1Dir(mounts, member, "memory");
  if (memory) return { version: "v1", memory, cpuacct: v1Dir(mounts, member, "cpuacct"), pids: v1Dir(mounts, member, "pids") };
  if (member.v2 !== null) {
    const m = mounts.find((x) => x.fstype === "cgroup2");
    const dir = m ? under(m, member.v2) : null;
    if (dir) return { version: "v2", dir };
  }
  return null;
}
