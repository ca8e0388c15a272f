import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readdir, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Copies `root` (minus the top-level `excludes`) into `dest`, keeping modes, owners, times and
 * links. `--reflink=auto` makes it instant on copy-on-write filesystems; elsewhere it is a plain
 * copy, which is what lets the game resume saving long before the archive is compressed.
 */
export async function copySnapshot(root: string, excludes: string[], dest: string, signal: AbortSignal): Promise<void> {
  await mkdir(dest, { recursive: true, mode: 0o700 });
  if (!existsSync(root)) return;
  const entries = (await readdir(root)).filter((n) => !excludes.includes(n)).map((n) => path.join(root, n));
  if (entries.length > 0) await run("cp", ["-a", "--reflink=auto", "-t", dest, "--", ...entries], { signal, maxBuffer: 1024 * 1024 });
  // The archive's "./" member carries the snapshot folder's owner and mode, and a restore gives
  // them to the restored folder: they must be the original's (a game user must keep its folder).
  const st = await stat(root);
  if (process.getuid?.() === 0) await chown(dest, st.uid, st.gid);
  await chmod(dest, st.mode & 0o7777);
  await utimes(dest, st.atime, st.mtime);
}

export async function removeTree(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
