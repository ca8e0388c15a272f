import { constants, type Stats } from "node:fs";
import { lchown, lstat, mkdir, open, readdir, readlink, rename, rmdir, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import ssh2, { type Attributes, type SFTPWrapper } from "ssh2";
import { HttpError } from "../http/errors";
import { openDir, openFileIn, withParent, type Dir } from "../files/fd-walk";
import type { Logger } from "../log";

// ssh2 is CommonJS: Node's ESM loader exposes only its default export.
const { utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

/**
 * The SFTP subsystem, confined to the dev user's home (container path `/home/dev`, workspace
 * included): client paths are container paths (relative ones start at the home), mapped through
 * the files module's descriptor walk (fd-walk.ts): `..`, absolute paths elsewhere and symlinks on
 * any component are refused with SSH_FX_PERMISSION_DENIED, and a symlink swapped in after a check
 * cannot redirect anything. New files and folders belong to the dev user.
 */
export type SftpScope = {
  /** Container path of the root clients may reach, e.g. /home/dev. */
  containerRoot: string;
  /** The same folder on the host (a realpath). */
  hostRoot: string;
  /** chown new entries to this user (real dev user only). */
  owner: { uid: number; gid: number } | null;
  /** Largest file a WRITE may produce. */
  maxFileBytes: number;
  log: Logger;
};

const MAX_HANDLES = 256;
const MAX_READ = 256 * 1024;
const READDIR_BATCH = 100;

class SftpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
const denied = (msg = "permission denied") => new SftpError(STATUS_CODE.PERMISSION_DENIED, msg);

function toSftpError(err: unknown): SftpError {
  if (err instanceof SftpError) return err;
  if (err instanceof HttpError) {
    if (err.status === 404) return new SftpError(STATUS_CODE.NO_SUCH_FILE, err.message);
    return denied(err.message);
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return new SftpError(STATUS_CODE.NO_SUCH_FILE, "no such file");
  if (code === "EACCES" || code === "EPERM" || code === "ELOOP") return denied();
  return new SftpError(STATUS_CODE.FAILURE, code ? `failed (${code})` : "failed");
}

function attrsOf(st: Stats): Attributes {
  return { mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** An `ls -l`-style line (sftp's `ls -l` prints it as is). */
function longname(name: string, st: Stats): string {
  const type = st.isDirectory() ? "d" : st.isSymbolicLink() ? "l" : "-";
  const perms = [6, 3, 0].map((shift) => { const b = (st.mode >> shift) & 7; return `${b & 4 ? "r" : "-"}${b & 2 ? "w" : "-"}${b & 1 ? "x" : "-"}`; }).join("");
  const d = st.mtime;
  return `${type}${perms} ${String(st.nlink).padStart(3)} ${String(st.uid).padEnd(8)} ${String(st.gid).padEnd(8)} ${String(st.size).padStart(8)} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${d.getFullYear()} ${name}`;
}

/** ssh2's mode string ("r", "r+", "w", "wx", "a+", ...) as open(2) flags. */
export function openFlags(mode: string): number {
  let f = mode.includes("+") ? constants.O_RDWR : mode.includes("r") ? constants.O_RDONLY : constants.O_WRONLY;
  if (mode.includes("w") || mode.includes("a")) f |= constants.O_CREAT;
  if (mode.includes("w")) f |= constants.O_TRUNC;
  if (mode.includes("a")) f |= constants.O_APPEND;
  if (mode.includes("x")) f |= constants.O_EXCL;
  return f;
}

type OpenFile = { kind: "file"; fh: FileHandle; containerPath: string };
type OpenDir = { kind: "dir"; dir: Dir; entries: string[] | null; done: boolean };

export function serveSftp(sftp: SFTPWrapper, scope: SftpScope): void {
  const handles = new Map<number, OpenFile | OpenDir>();
  let nextHandle = 1;

  /** Client path -> normalized container path (relative paths start at the home). */
  const containerPathOf = (p: string) => path.posix.resolve(scope.containerRoot, p || ".");

  /** Client path -> path relative to the scope's root; anything outside the scope is denied. */
  function relOf(p: string): { rel: string; containerPath: string } {
    if (p.includes("\0")) throw denied("path contains a NUL byte");
    const cp = containerPathOf(p);
    const rel = path.posix.relative(scope.containerRoot, cp);
    if (rel === ".." || rel.startsWith("../") || path.posix.isAbsolute(rel)) throw denied(`${cp} is outside ${scope.containerRoot}`);
    return { rel, containerPath: cp };
  }
  /** Runs `fn` with the parent folder of `p` open by descriptor (the root itself when `allowRoot`). */
  const at = <T>(p: string, allowRoot: boolean, fn: (parent: Dir, name: string, rel: string) => Promise<T>) => {
    const { rel } = relOf(p);
    if (!rel && !allowRoot) throw denied("the home folder stays");
    return withParent(scope.hostRoot, rel, { allowBase: true }, ({ parent, name }) => fn(parent, name, rel));
  };
  const entryPath = (parent: Dir, name: string) => (name ? parent.at(name) : parent.path);

  const give = async (reqid: number, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      const e = toSftpError(err);
      if (e.code === STATUS_CODE.FAILURE) scope.log.warn({ err }, "sftp request failed");
      sftp.status(reqid, e.code, e.message);
    }
  };
  const newHandle = (h: OpenFile | OpenDir) => {
    if (handles.size >= MAX_HANDLES) throw new SftpError(STATUS_CODE.FAILURE, "too many open handles");
    const id = nextHandle++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const handleOf = (buf: Buffer) => (buf.length === 4 ? handles.get(buf.readUInt32BE(0)) : undefined);
  const fileOf = (buf: Buffer) => {
    const h = handleOf(buf);
    if (!h || h.kind !== "file") throw new SftpError(STATUS_CODE.FAILURE, "invalid handle");
    return h;
  };
  const own = async (p: string) => {
    if (scope.owner) await lchown(p, scope.owner.uid, scope.owner.gid);
  };

  sftp.on("REALPATH", (reqid, p) =>
    give(reqid, async () => {
      const cp = containerPathOf(p);
      sftp.name(reqid, [{ filename: cp, longname: cp, attrs: {} as Attributes }]);
    }),
  );

  sftp.on("OPEN", (reqid, filename, flags, attrs) =>
    give(reqid, async () => {
      const mode = utils.sftp.flagsToString(flags);
      if (!mode) throw new SftpError(STATUS_CODE.OP_UNSUPPORTED, "unsupported open flags");
      const { containerPath } = relOf(filename);
      const fh = await at(filename, false, async (parent, name) => {
        const st = await lstat(parent.at(name)).catch(() => undefined);
        if (st?.isDirectory()) throw new SftpError(STATUS_CODE.FAILURE, "is a folder");
        // Opened relative to the parent's descriptor and O_NOFOLLOW: no symlink, now or swapped in.
        const opened = await openFileIn(parent, name, openFlags(mode), (attrs?.mode ?? 0o644) & 0o777);
        if (!st && scope.owner) await opened.chown(scope.owner.uid, scope.owner.gid).catch(() => {});
        return opened;
      });
      sftp.handle(reqid, newHandle({ kind: "file", fh, containerPath }));
    }),
  );

  sftp.on("READ", (reqid, handle, offset, length) =>
    give(reqid, async () => {
      const f = fileOf(handle);
      const buf = Buffer.alloc(Math.min(length, MAX_READ));
      const { bytesRead } = await f.fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) return void sftp.status(reqid, STATUS_CODE.EOF);
      sftp.data(reqid, buf.subarray(0, bytesRead));
    }),
  );

  sftp.on("WRITE", (reqid, handle, offset, data) =>
    give(reqid, async () => {
      const f = fileOf(handle);
      if (offset + data.length > scope.maxFileBytes) throw new SftpError(STATUS_CODE.FAILURE, `files are limited to ${scope.maxFileBytes} bytes`);
      await f.fh.write(data, 0, data.length, offset);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on("CLOSE", (reqid, handle) =>
    give(reqid, async () => {
      const h = handleOf(handle);
      if (!h) throw new SftpError(STATUS_CODE.FAILURE, "invalid handle");
      handles.delete(handle.readUInt32BE(0));
      await (h.kind === "file" ? h.fh : h.dir.fh).close();
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on("FSTAT", (reqid, handle) => give(reqid, async () => void sftp.attrs(reqid, attrsOf(await fileOf(handle).fh.stat()))));
  // Symlinks are not followed: STAT answers like LSTAT (a link shows as a link).
  const statOf = (p: string) => at(p, true, async (parent, name) => attrsOf(await lstat(entryPath(parent, name))));
  sftp.on("STAT", (reqid, p) => give(reqid, async () => void sftp.attrs(reqid, await statOf(p))));
  sftp.on("LSTAT", (reqid, p) => give(reqid, async () => void sftp.attrs(reqid, await statOf(p))));

  /** Size, mode and times through a descriptor. Ownership stays with the dev user: uid/gid changes are ignored. */
  const applyAttrs = async (fh: FileHandle, attrs: Attributes) => {
    if (attrs.size !== undefined) {
      if (attrs.size > scope.maxFileBytes) throw new SftpError(STATUS_CODE.FAILURE, `files are limited to ${scope.maxFileBytes} bytes`);
      await fh.truncate(attrs.size);
    }
    if (attrs.mode !== undefined) await fh.chmod(attrs.mode & 0o7777);
    if (attrs.atime !== undefined && attrs.mtime !== undefined) await fh.utimes(attrs.atime, attrs.mtime);
  };
  sftp.on("FSETSTAT", (reqid, handle, attrs) =>
    give(reqid, async () => {
      await applyAttrs(fileOf(handle).fh, attrs);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on("SETSTAT", (reqid, p, attrs) =>
    give(reqid, () =>
      at(p, true, async (parent, name) => {
        const st = await lstat(entryPath(parent, name)).catch(() => undefined);
        if (!st) throw new SftpError(STATUS_CODE.NO_SUCH_FILE, "no such file");
        const flags = st.isDirectory() ? constants.O_RDONLY | constants.O_DIRECTORY : attrs.size !== undefined ? constants.O_WRONLY : constants.O_RDONLY;
        const fh = name ? await openFileIn(parent, name, flags) : await open(parent.path, flags);
        try {
          await applyAttrs(fh, attrs);
        } finally {
          await fh.close();
        }
        sftp.status(reqid, STATUS_CODE.OK);
      }),
    ),
  );

  sftp.on("OPENDIR", (reqid, p) =>
    give(reqid, async () => {
      const { rel } = relOf(p);
      // The folder stays open by descriptor for READDIR: later swaps of its path change nothing.
      const dir = await openDir(scope.hostRoot, rel ? rel.split("/") : []).catch((err: unknown) => {
        throw err instanceof HttpError && err.status === 409 ? new SftpError(STATUS_CODE.FAILURE, "not a folder") : err;
      });
      try {
        sftp.handle(reqid, newHandle({ kind: "dir", dir, entries: null, done: false }));
      } catch (err) {
        await dir.close();
        throw err;
      }
    }),
  );

  sftp.on("READDIR", (reqid, handle) =>
    give(reqid, async () => {
      const h = handleOf(handle);
      if (!h || h.kind !== "dir") throw new SftpError(STATUS_CODE.FAILURE, "invalid handle");
      h.entries ??= [".", "..", ...(await readdir(h.dir.path))];
      if (h.entries.length === 0) return void sftp.status(reqid, STATUS_CODE.EOF);
      const batch = h.entries.splice(0, READDIR_BATCH);
      const names = [];
      for (const name of batch) {
        const st = await lstat(name === "." || name === ".." ? h.dir.path : h.dir.at(name)).catch(() => null);
        if (st) names.push({ filename: name, longname: longname(name, st), attrs: attrsOf(st) });
      }
      sftp.name(reqid, names);
    }),
  );

  sftp.on("REMOVE", (reqid, p) =>
    give(reqid, () =>
      at(p, false, async (parent, name) => {
        await unlink(parent.at(name));
        sftp.status(reqid, STATUS_CODE.OK);
      }),
    ),
  );
  sftp.on("RMDIR", (reqid, p) =>
    give(reqid, () =>
      at(p, false, async (parent, name) => {
        await rmdir(parent.at(name));
        sftp.status(reqid, STATUS_CODE.OK);
      }),
    ),
  );
  sftp.on("MKDIR", (reqid, p, attrs) =>
    give(reqid, () =>
      at(p, false, async (parent, name) => {
        await mkdir(parent.at(name), { mode: (attrs?.mode ?? 0o755) & 0o777 });
        await own(parent.at(name)).catch(() => {});
        sftp.status(reqid, STATUS_CODE.OK);
      }),
    ),
  );
  sftp.on("RENAME", (reqid, from, to) =>
    give(reqid, () =>
      at(from, false, (a, aName) =>
        at(to, false, async (b, bName) => {
          if (await lstat(b.at(bName)).catch(() => undefined)) throw new SftpError(STATUS_CODE.FAILURE, "the target exists");
          await rename(a.at(aName), b.at(bName));
          sftp.status(reqid, STATUS_CODE.OK);
        }),
      ),
    ),
  );
  sftp.on("READLINK", (reqid, p) =>
    give(reqid, () =>
      at(p, false, async (parent, name) => {
        const target = await readlink(parent.at(name));
        sftp.name(reqid, [{ filename: target, longname: target, attrs: {} as Attributes }]);
      }),
    ),
  );
  // A symlink is a way to point outside the scope later: not offered.
  sftp.on("SYMLINK", (reqid) => sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED, "symlinks are not supported over SFTP"));

  // The client closing its side ends the subsystem: close ours so the client can exit.
  sftp.on("end", () => sftp.end());
  sftp.on("close", () => {
    for (const h of handles.values()) void (h.kind === "file" ? h.fh : h.dir.fh).close().catch(() => {});
    handles.clear();
  });
}
