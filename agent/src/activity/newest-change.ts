import { lstat, readdir } from "node:fs/promises";
import path from "node:path";

/** Folders whose churn is tools', not a person's (installs, VCS internals, caches). */
const SKIP = new Set(["node_modules", ".git", ".cache", ".npm", "__pycache__", ".venv", "target", "dist", ".next"]);

/**
 * The newest modification time under `root` (files and folders), looking at no more than
 * `maxEntries` entries so a huge tree costs a bounded amount. Null when nothing is there.
 */
export async function newestChange(root: string, maxEntries = 20_000): Promise<Date | null> {
  let newest = 0;
  let seen = 0;
  const queue = [root];
  while (queue.length > 0 && seen < maxEntries) {
    const dir = queue.shift()!;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (++seen > maxEntries) break;
      const p = path.join(dir, name);
      try {
        const st = await lstat(p);
        newest = Math.max(newest, st.mtimeMs);
        if (st.isDirectory() && !SKIP.has(name)) queue.push(p);
      } catch {
        // removed while we looked
      }
    }
  }
  return newest > 0 ? new Date(newest) : null;
}
