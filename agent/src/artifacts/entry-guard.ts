import path from "node:path";

/** One archive member as the header reader saw it. */
export type ArchiveEntry = {
  path: string;
  type: "file" | "dir" | "symlink" | "hardlink" | "other";
  /** The raw type flag, for messages ("3" char device, "6" fifo, "S" sparse ...). */
  typeFlag: string;
  linkpath?: string;
  mode: number;
  /** Data bytes (0 for anything but regular files). */
  size?: number;
};

/**
 * Normalizes a member name to a relative POSIX path inside the target ("" for the root itself),
 * or returns null when it is absolute or climbs out with "..".
 */
export function normalizeMemberPath(p: string): string | null {
  if (p.startsWith("/") || p.includes("\0")) return null;
  const segs = p.split("/").filter((s) => s !== "" && s !== ".");
  if (segs.includes("..")) return null;
  return segs.join("/");
}

/**
 * Checks archive members in order. Refuses absolute names, "..", links pointing out, members
 * written through an earlier symlink, special files and setuid/setgid bits. The filesystem check
 * after extraction (`symlinkStaysInside`) stays authoritative for link chains.
 */
export class EntryGuard {
  private symlinks = new Set<string>();
  readonly symlinkPaths: string[] = [];

  /** Returns a reason when the entry must be refused, or null when it is fine. */
  check(e: ArchiveEntry): string | null {
    const rel = normalizeMemberPath(e.path);
    if (rel === null) return `entry ${JSON.stringify(e.path)} escapes the target`;
    if (e.type === "other") return `entry ${JSON.stringify(e.path)} has unsupported type ${JSON.stringify(e.typeFlag)}`;
    if (e.mode & 0o6000) return `entry ${JSON.stringify(e.path)} is setuid/setgid`;
    if (this.throughSymlink(rel)) return `entry ${JSON.stringify(e.path)} is written through a symlink`;
    if (e.type === "symlink") {
      const target = e.linkpath ?? "";
      if (!target || target.startsWith("/")) return `symlink ${JSON.stringify(e.path)} points outside the target (${JSON.stringify(target)})`;
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(rel || "."), target));
      if (resolved === ".." || resolved.startsWith("../")) return `symlink ${JSON.stringify(e.path)} points outside the target (${JSON.stringify(target)})`;
      if (rel === "") return "the archive root cannot be a symlink";
      this.symlinks.add(rel);
      this.symlinkPaths.push(rel);
    } else if (e.type === "hardlink") {
      const target = normalizeMemberPath(e.linkpath ?? "");
      if (!target) return `hardlink ${JSON.stringify(e.path)} points outside the target (${JSON.stringify(e.linkpath ?? "")})`;
      if (this.symlinks.has(target) || this.throughSymlink(target)) return `hardlink ${JSON.stringify(e.path)} goes through a symlink`;
    } else if (this.symlinks.has(rel)) {
      // A later member replacing a symlink is fine for the file itself; forget the link.
      this.symlinks.delete(rel);
    }
    return null;
  }

  private throughSymlink(rel: string): boolean {
    const segs = rel.split("/");
    for (let i = 1; i < segs.length; i++) if (this.symlinks.has(segs.slice(0, i).join("/"))) return true;
    return false;
  }
}
