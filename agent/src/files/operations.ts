import { randomBytes } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { copyFile, lchown, lstat, mkdir, open, readdir, rename, rm, rmdir, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { FILE_READ_LIMIT, type FileContent, type FileEntry, type FileListing } from "../contract/files";
import { HttpError } from "../http/errors";
import { fsCall } from "./fs-errors";
import { openFileIn, removeTree, symlinkRefused, withDir, withParent, type CreateFolders, type Dir, type Located } from "./fd-walk";
import { normalizeRelativePath } from "./path-guard";

const LIST_LIMIT = 5000;

/** A base folder (its realpath) and who should own what we create in it. */
export type FileBase = { dir: string; owner?: { uid: number; gid: number } };

export function entryFrom(rel: string, st: Stats): FileEntry {
  const type = st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
  return {
    name: rel ? path.posix.basename(rel) : "",
    path: rel,
    type,
    size: type === "file" ? st.size : 0,
    mtime: st.mtime.toISOString(),
    mode: st.mode & 0o7777,
  };
}

/** New files and folders belong to the base's owner (the dev user) when the agent runs as root. */
export async function adoptOwner(base: FileBase, p: string): Promise<void> {
  if (!base.owner || process.getuid?.() !== 0) return;
  // lchown: never the target of a symlink someone put in its place.
  await lchown(p, base.owner.uid, base.owner.gid);
}

const tempName = (name: string) => `.${name}.zlh-${randomBytes(6).toString("hex")}.tmp`;

/**
 * Moves a finished file (`src`, in the agent's own staging folder or beside the target) into
 * `parent`/`name` atomically (rename relative to the open parent), copying beside the target first
 * when the source lives on another filesystem. Keeps the mode and owner of the file it replaces;
 * both are set on the file through a descriptor opened without following links.
 */
export async function moveIntoPlace(base: FileBase, src: string, parent: Dir, name: string): Promise<void> {
  const previous = await lstat(parent.at(name)).catch(() => undefined);
  if (previous?.isSymbolicLink()) throw symlinkRefused();
  let from = src;
  try {
    await rename(src, parent.at(name));
    from = "";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
  }
  if (from) {
    const tmp = parent.at(tempName(name));
    try {
      // COPYFILE_EXCL: the temp name must not exist (a symlink planted there is not followed).
      await copyFile(src, tmp, constants.COPYFILE_EXCL);
      await rename(tmp, parent.at(name));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await rm(src, { force: true });
  }
  const fh = await openFileIn(parent, name, constants.O_RDONLY).catch(() => undefined);
  if (!fh) return;
  try {
    if (previous) {
      await fh.chmod(previous.mode & 0o7777);
      if (process.getuid?.() === 0) await fh.chown(previous.uid, previous.gid);
    } else if (base.owner && process.getuid?.() === 0) {
      await fh.chown(base.owner.uid, base.owner.gid);
    }
  } finally {
    await fh.close();
  }
}

const creating = (base: FileBase): CreateFolders => (base.owner ? { owner: base.owner } : {});

export async function listDir(base: FileBase, input: string): Promise<FileListing> {
  return withDir(base.dir, input, async (dir, rel) => {
    const dirents = await fsCall("list", () => readdir(dir.path));
    dirents.sort();
    const entries: FileEntry[] = [];
    for (const name of dirents.slice(0, LIST_LIMIT)) {
      try {
        entries.push(entryFrom(rel ? `${rel}/${name}` : name, await lstat(dir.at(name))));
      } catch {
        // removed while we listed it
      }
    }
    entries.sort((a, b) => Number(b.type === "dir") - Number(a.type === "dir") || a.name.localeCompare(b.name));
    return { path: rel, entries, truncated: dirents.length > LIST_LIMIT };
  });
}

export async function statPath(base: FileBase, input: string): Promise<FileEntry> {
  return withParent(base.dir, input, { allowBase: true }, async ({ rel, parent, name }) => {
    const st = await lstat(name ? parent.at(name) : parent.path).catch(() => undefined);
    if (!st) throw new HttpError(404, "no such file or folder");
    return entryFrom(rel, st);
  });
}

/** A regular file opened for reading without following a symlink anywhere on its path. */
export async function openForRead(base: FileBase, input: string): Promise<{ rel: string; fh: FileHandle; size: number }> {
  return withParent(base.dir, input, {}, async ({ rel, parent, name }) => {
    const fh = await openFileIn(parent, name, constants.O_RDONLY).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") throw new HttpError(404, "no such file");
      throw err;
    });
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new HttpError(409, "not a file");
    }
    return { rel, fh, size: st.size };
  });
}

export async function readText(base: FileBase, input: string): Promise<FileContent> {
  const { rel, fh, size } = await openForRead(base, input);
  let buf: Buffer;
  try {
    if (size > FILE_READ_LIMIT) throw new HttpError(413, `file larger than ${FILE_READ_LIMIT} bytes: use /files/download`);
    buf = await fh.readFile();
  } finally {
    await fh.close();
  }
  if (buf.length > FILE_READ_LIMIT) throw new HttpError(413, `file larger than ${FILE_READ_LIMIT} bytes: use /files/download`);
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
    return { path: rel, size: buf.length, encoding: "utf8", content: text };
  } catch {
    return { path: rel, size: buf.length, encoding: "base64", content: buf.toString("base64") };
  }
}

/**
 * Where a new or replaced file goes, with its parent folder open (created with `parents`) for as
 * long as `fn` runs: the name must not be a folder or a symlink, nor exist unless `overwrite`.
 */
export async function withFileTarget<T>(base: FileBase, input: string, opts: { parents: boolean; overwrite: boolean }, fn: (t: Located) => Promise<T>): Promise<T> {
  return withParent(base.dir, input, opts.parents ? { create: creating(base) } : {}, async (t) => {
    const existing = await lstat(t.parent.at(t.name)).catch(() => undefined);
    if (existing?.isSymbolicLink()) throw symlinkRefused();
    if (existing?.isDirectory()) throw new HttpError(409, "a folder exists at that path");
    if (existing && !opts.overwrite) throw new HttpError(409, "a file exists at that path");
    return fn(t);
  });
}

/** Atomic write: the full content goes to a temp file beside the target, synced, then renamed over it. */
export async function writeFileContent(base: FileBase, input: string, data: Buffer, opts: { parents: boolean }): Promise<FileEntry> {
  return withFileTarget(base, input, { parents: opts.parents, overwrite: true }, async ({ rel, parent, name }) => {
    const tmp = parent.at(tempName(name));
    try {
      const fh = await fsCall("write", () => open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644));
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsCall("write", () => moveIntoPlace(base, tmp, parent, name));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return entryFrom(rel, await lstat(parent.at(name)));
  });
}

export async function makeDir(base: FileBase, input: string, opts: { parents: boolean }): Promise<FileEntry> {
  if (!normalizeRelativePath(input)) throw new HttpError(409, "the folder itself already exists");
  return withParent(base.dir, input, opts.parents ? { create: creating(base) } : {}, async ({ rel, parent, name }) => {
    if (await lstat(parent.at(name)).catch(() => undefined)) throw new HttpError(409, "already exists");
    await fsCall("mkdir", () => mkdir(parent.at(name)));
    await adoptOwner(base, parent.at(name));
    return entryFrom(rel, await lstat(parent.at(name)));
  });
}

export async function renamePath(base: FileBase, fromInput: string, toInput: string, opts: { overwrite: boolean }): Promise<FileEntry> {
  const fromRel = normalizeRelativePath(fromInput);
  const toRel = normalizeRelativePath(toInput);
  if (!fromRel || !toRel) throw new HttpError(400, "the folder itself cannot be renamed");
  if (toRel.startsWith(`${fromRel}/`)) throw new HttpError(400, "a folder cannot move into itself");
  return withParent(base.dir, fromRel, {}, (from) =>
    withParent(base.dir, toRel, {}, async (to) => {
      const src = await lstat(from.parent.at(from.name)).catch(() => undefined);
      if (!src) throw new HttpError(404, "no such file or folder");
      if (fromRel === toRel) return entryFrom(toRel, src);
      if (!opts.overwrite && (await lstat(to.parent.at(to.name)).catch(() => undefined))) throw new HttpError(409, "the destination exists");
      await fsCall("rename", () => rename(from.parent.at(from.name), to.parent.at(to.name)));
      return entryFrom(toRel, await lstat(to.parent.at(to.name)));
    }),
  );
}

export async function deletePath(base: FileBase, input: string, opts: { recursive: boolean }): Promise<void> {
  if (!normalizeRelativePath(input)) throw new HttpError(400, "the folder itself cannot be deleted");
  await withParent(base.dir, input, {}, async ({ parent, name }) => {
    const st = await lstat(parent.at(name)).catch(() => undefined);
    if (!st) throw new HttpError(404, "no such file or folder");
    if (st.isDirectory()) {
      if (opts.recursive) await fsCall("delete", () => removeTree(parent, name));
      else await fsCall("delete", () => rmdir(parent.at(name)));
    } else {
      await fsCall("delete", () => unlink(parent.at(name)));
    }
  });
}
