import { lstat, readlink } from "node:fs/promises";
import path from "node:path";

/**
 * Follows `rel` (a path under `root`, symlinks included, the last component too) on the real
 * filesystem with `root` as a jail: false as soon as any step would leave it. Missing components
 * are resolved lexically. This is the authoritative check for symlink chains after extraction.
 */
export async function staysInside(root: string, rel: string): Promise<boolean> {
  const queue = rel.split("/");
  const cur: string[] = [];
  let hops = 0;
  let missing = false;
  while (queue.length) {
    const seg = queue.shift()!;
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (!cur.length) return false;
      cur.pop();
      continue;
    }
    cur.push(seg);
    if (missing) continue;
    const p = path.join(root, ...cur);
    let isLink = false;
    try {
      isLink = (await lstat(p)).isSymbolicLink();
    } catch {
      missing = true;
      continue;
    }
    if (isLink) {
      if (++hops > 40) return false;
      const target = await readlink(p);
      if (target.startsWith("/")) return false;
      cur.pop();
      queue.unshift(...target.split("/"));
    }
  }
  return true;
}
