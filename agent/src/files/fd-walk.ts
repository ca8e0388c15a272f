import { constants } from "node:fs";
import { lchown, lstat, mkdir, open, readdir, rmdir, unlink, type FileHandle } from "node:fs/promises";
import { HttpError } from "../http/errors";
import { normalizeRelativePath } from "./path-guard";

/**
 * Paths under a base folder, walked by descriptor. Each folder on the way is opened with
 * O_DIRECTORY|O_NOFOLLOW relative to the descriptor of the one before (through
 * /proc/self/fd/<fd>/<name>, which resolves from that open folder, never from the path string
 * again), so a symlink on any component is refused at the moment it is met, and one swapped into a
 * parent folder after a check cannot redirect the operation: there is no later path lookup to fool.
 * The last component is acted on relative to its parent's descriptor, and never followed either.
 */
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

export const symlinkRefused = () => new HttpError(403, "path leads through a symlink: symlinks are not followed");

/** An open folder under the base. `at(name)` names an entry in it for a system call. */
export type Dir = { fh: FileHandle; path: string; at(name: string): string; close(): Promise<void> };

function dirOf(fh: FileHandle): Dir {
  const p = `/proc/self/fd/${fh.fd}`;
  return { fh, path: p, at: (name) => `${p}/${name}`, close: () => fh.close() };
}

/** Why opening `name` in `parent` as a folder failed, as the client should hear it. */
async function explain(parent: Dir, name: string, err: NodeJS.ErrnoException): Promise<Error> {
  if (err.code === "ELOOP") return symlinkRefused();
  if (err.code === "ENOTDIR") {
    const st = await lstat(parent.at(name)).catch(() => undefined);
    return st?.isSymbolicLink() ? symlinkRefused() : new HttpError(409, "a path component is not a folder");
  }
  if (err.code === "ENOENT") return new HttpError(404, "the folder does not exist");
  return err;
}

export type CreateFolders = { owner?: { uid: number; gid: number } };

/**
 * Opens the folder `segments` below `base` (a trusted realpath), one component at a time. With
 * `create`, missing folders are made on the way (mkdir relative to the parent's descriptor, then
 * opened the same careful way, so a racing symlink is refused there too).
 */
export async function openDir(base: string, segments: string[], create?: CreateFolders): Promise<Dir> {
  let cur = dirOf(await open(base, DIR_FLAGS));
  try {
    for (const seg of segments) {
      let fh: FileHandle;
      try {
        fh = await open(cur.at(seg), DIR_FLAGS);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code !== "ENOENT" || !create) throw await explain(cur, seg, e);
        try {
          await mkdir(cur.at(seg), 0o755);
          if (create.owner && process.getuid?.() === 0) await lchown(cur.at(seg), create.owner.uid, create.owner.gid);
        } catch (mkErr) {
          if ((mkErr as NodeJS.ErrnoException).code !== "EEXIST") throw mkErr;
        }
        try {
          fh = await open(cur.at(seg), DIR_FLAGS);
        } catch (again) {
          throw await explain(cur, seg, again as NodeJS.ErrnoException);
        }
      }
      await cur.close();
      cur = dirOf(fh);
    }
    return cur;
  } catch (err) {
    await cur.close().catch(() => {});
    throw err;
  }
}

/** The client path's parent folder (open) and last name; `rel` "" (the base itself) has no parent. */
export type Located = { rel: string; parent: Dir; name: string };

/**
 * Runs `fn` with the parent folder of `input` open (and closes it after). Refuses the base itself
 * unless `allowBase` (then `name` is "" and `parent` is the base).
 */
export async function withParent<T>(base: string, input: string, opts: { create?: CreateFolders; allowBase?: boolean }, fn: (l: Located) => Promise<T>): Promise<T> {
  const rel = normalizeRelativePath(input);
  const segments = rel ? rel.split("/") : [];
  if (!segments.length && !opts.allowBase) throw new HttpError(400, "a path below the folder is required");
  const name = segments.pop() ?? "";
  const parent = await openDir(base, segments, opts.create);
  try {
    return await fn({ rel, parent, name });
  } finally {
    await parent.close();
  }
}

/** Runs `fn` with the folder `input` itself open (a symlink anywhere, the last one included, is refused). */
export async function withDir<T>(base: string, input: string, fn: (dir: Dir, rel: string) => Promise<T>): Promise<T> {
  const rel = normalizeRelativePath(input);
  const dir = await openDir(base, rel ? rel.split("/") : []);
  try {
    return await fn(dir, rel);
  } finally {
    await dir.close();
  }
}

/** Opens a file in `parent` without following a symlink at its name (ELOOP becomes 403). */
export async function openFileIn(parent: Dir, name: string, flags: number, mode?: number): Promise<FileHandle> {
  try {
    return await open(parent.at(name), flags | constants.O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") throw symlinkRefused();
    throw err;
  }
}

/**
 * rm -r by descriptor: each folder is opened O_NOFOLLOW before its entries are removed relative to
 * it, so a folder swapped for a symlink mid-way is unlinked as a link, never descended into.
 */
export async function removeTree(parent: Dir, name: string): Promise<void> {
  let dir: FileHandle;
  try {
    dir = await open(parent.at(name), DIR_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR" || code === "ELOOP") return unlink(parent.at(name));
    if (code === "ENOENT") return;
    throw err;
  }
  const d = dirOf(dir);
  try {
    for (const entry of await readdir(d.path)) {
      const st = await lstat(d.at(entry)).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) await removeTree(d, entry);
      else await unlink(d.at(entry)).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? undefined : Promise.reject(err)));
    }
  } finally {
    await d.close();
  }
  await rmdir(parent.at(name));
}
