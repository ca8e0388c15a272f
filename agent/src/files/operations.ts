import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { chmod, chown, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat } from "node:fs/promises";
import path from "node:path";
import { FILE_READ_LIMIT, type FileContent, type FileEntry, type FileListing } from "../contract/files";
import { HttpError } from "../http/errors";
import { fsCall } from "./fs-errors";
import { resolveInside } from "./resolve";

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
  await chown(p, base.owner.uid, base.owner.gid);
}

/** mkdir -p from the nearest existing ancestor, giving each new folder the base's owner. */
async function mkdirParents(base: FileBase, dir: string): Promise<void> {
  const created = await fsCall("create folders", () => mkdir(dir, { recursive: true }));
  if (!created) return;
  for (let d = dir; d.length >= created.length; d = path.dirname(d)) await adoptOwner(base, d);
}

const tempBeside = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.zlh-${randomBytes(6).toString("hex")}.tmp`);

/**
 * Moves a finished file into place atomically (rename), copying beside the target first when the
 * source lives on another filesystem. Keeps the mode of the file it replaces.
 */
export async function moveIntoPlace(base: FileBase, src: string, dest: string): Promise<void> {
  const previous = await stat(dest).catch(() => undefined);
  let from = src;
  try {
    await rename(src, dest);
    from = dest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
  }
  if (from !== dest) {
    const tmp = tempBeside(dest);
    try {
      await copyFile(src, tmp);
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await rm(src, { force: true });
  }
  if (previous) {
    await chmod(dest, previous.mode & 0o7777);
    if (process.getuid?.() === 0) await chown(dest, previous.uid, previous.gid);
  } else {
    await adoptOwner(base, dest);
  }
}

export async function listDir(base: FileBase, input: string): Promise<FileListing> {
  const r = await resolveInside(base.dir, input, { follow: true });
  const st = await fsCall("list", () => stat(r.target));
  if (!st.isDirectory()) throw new HttpError(409, "not a folder");
  const dirents = await fsCall("list", () => readdir(r.target));
  dirents.sort();
  const entries: FileEntry[] = [];
  for (const name of dirents.slice(0, LIST_LIMIT)) {
    try {
      entries.push(entryFrom(r.rel ? `${r.rel}/${name}` : name, await lstat(path.join(r.target, name))));
    } catch {
      // removed while we listed it
    }
  }
  entries.sort((a, b) => Number(b.type === "dir") - Number(a.type === "dir") || a.name.localeCompare(b.name));
  return { path: r.rel, entries, truncated: dirents.length > LIST_LIMIT };
}

export async function statPath(base: FileBase, input: string): Promise<FileEntry> {
  const r = await resolveInside(base.dir, input, { follow: true });
  if (!r.lstat) throw new HttpError(404, "no such file or folder");
  return entryFrom(r.rel, r.lstat);
}

export async function readText(base: FileBase, input: string): Promise<FileContent> {
  const r = await resolveInside(base.dir, input, { follow: true });
  const st = await fsCall("read", () => stat(r.target));
  if (!st.isFile()) throw new HttpError(409, "not a file");
  if (st.size > FILE_READ_LIMIT) throw new HttpError(413, `file larger than ${FILE_READ_LIMIT} bytes: use /files/download`);
  const fh = await fsCall("read", () => open(r.target, "r"));
  let buf: Buffer;
  try {
    buf = await fh.readFile();
  } finally {
    await fh.close();
  }
  if (buf.length > FILE_READ_LIMIT) throw new HttpError(413, `file larger than ${FILE_READ_LIMIT} bytes: use /files/download`);
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
    return { path: r.rel, size: buf.length, encoding: "utf8", content: text };
  } catch {
    return { path: r.rel, size: buf.length, encoding: "base64", content: buf.toString("base64") };
  }
}

/** Where a new or replaced file goes: its parent must be a folder (created with `parents`). */
export async function prepareFileTarget(base: FileBase, input: string, opts: { parents: boolean; overwrite: boolean }) {
  const r = await resolveInside(base.dir, input, { follow: true });
  if (!r.rel) throw new HttpError(400, "a file path is required");
  const existing = await stat(r.target).catch(() => undefined);
  if (existing?.isDirectory()) throw new HttpError(409, "a folder exists at that path");
  if (existing && !opts.overwrite) throw new HttpError(409, "a file exists at that path");
  const parent = path.dirname(r.target);
  const pst = await stat(parent).catch(() => undefined);
  if (!pst) {
    if (!opts.parents) throw new HttpError(404, "the parent folder does not exist");
    await mkdirParents(base, parent);
    // Re-check after creating folders: nothing we made may lead outside.
    await resolveInside(base.dir, input, { follow: true });
  } else if (!pst.isDirectory()) {
    throw new HttpError(409, "the parent is not a folder");
  }
  return r;
}

/** Atomic write: the full content goes to a temp file beside the target, synced, then renamed over it. */
export async function writeFileContent(base: FileBase, input: string, data: Buffer, opts: { parents: boolean }): Promise<FileEntry> {
  const r = await prepareFileTarget(base, input, { parents: opts.parents, overwrite: true });
  const tmp = tempBeside(r.target);
  try {
    const fh = await fsCall("write", () => open(tmp, "wx", 0o644));
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsCall("write", () => moveIntoPlace(base, tmp, r.target));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return entryFrom(r.rel, await lstat(r.abs));
}

export async function makeDir(base: FileBase, input: string, opts: { parents: boolean }): Promise<FileEntry> {
  const r = await resolveInside(base.dir, input, { follow: false });
  if (!r.rel) throw new HttpError(409, "the folder itself already exists");
  if (r.lstat) throw new HttpError(409, "already exists");
  if (opts.parents) await mkdirParents(base, r.abs);
  else {
    await fsCall("mkdir", () => mkdir(r.abs));
    await adoptOwner(base, r.abs);
  }
  return entryFrom(r.rel, await lstat(r.abs));
}

export async function renamePath(base: FileBase, fromInput: string, toInput: string, opts: { overwrite: boolean }): Promise<FileEntry> {
  const from = await resolveInside(base.dir, fromInput, { follow: false });
  const to = await resolveInside(base.dir, toInput, { follow: false });
  if (!from.rel || !to.rel) throw new HttpError(400, "the folder itself cannot be renamed");
  if (!from.lstat) throw new HttpError(404, "no such file or folder");
  if (to.lstat && !opts.overwrite) throw new HttpError(409, "the destination exists");
  if (from.abs === to.abs) return entryFrom(to.rel, from.lstat);
  if (to.rel.startsWith(`${from.rel}/`)) throw new HttpError(400, "a folder cannot move into itself");
  await fsCall("rename", () => rename(from.abs, to.abs));
  return entryFrom(to.rel, await lstat(to.abs));
}

export async function deletePath(base: FileBase, input: string, opts: { recursive: boolean }): Promise<void> {
  const r = await resolveInside(base.dir, input, { follow: false });
  if (!r.rel) throw new HttpError(400, "the folder itself cannot be deleted");
  if (!r.lstat) throw new HttpError(404, "no such file or folder");
  if (r.lstat.isDirectory()) {
    // rm never follows symlinks inside the tree: it removes the links, not what they point at.
    if (opts.recursive) await fsCall("delete", () => rm(r.abs, { recursive: true, force: true }));
    else await fsCall("delete", () => rmdir(r.abs));
  } else {
    await fsCall("delete", () => rm(r.abs));
  }
}
