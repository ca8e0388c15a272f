import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, mkdir, open, readFile, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { z } from "zod";
import { fileScopeSchema, type FileEntry, type FileScope, type UploadCreate, type UploadState } from "../contract/files";
import { HttpError } from "../http/errors";
import type { Logger } from "../log";
import { fsCall, fsHttpError } from "./fs-errors";
import { entryFrom, moveIntoPlace, withFileTarget, type FileBase } from "./operations";

/**
 * Uploads never write into the target folder until they are complete: bytes stream into a staging
 * folder (/opt/zlh/agent/uploads) and the finished file is renamed into place. A single-shot upload
 * cut off halfway leaves nothing; a resumable upload keeps its received bytes (`<id>.part` + `<id>.json`)
 * so the client can continue from GET /files/uploads/:id's offset. Stale uploads are swept.
 */
const metaSchema = z.object({
  uploadId: z.string(),
  scope: fileScopeSchema,
  path: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().optional(),
  overwrite: z.boolean(),
  createdAt: z.string(),
});
type UploadMeta = z.infer<typeof metaSchema>;

export type UploadStoreOptions = {
  dir: string;
  limitBytes: number;
  log: Logger;
  baseFor(scope: FileScope): Promise<FileBase>;
};

const ID_RE = /^[0-9a-f]{32}$/;

/** Streams a request body into an open file at `position`, refusing more than `max` bytes. */
async function streamInto(req: IncomingMessage, file: string, flags: string, position: number, max: number, tooMuch: () => HttpError): Promise<number> {
  const fh = await open(file, flags, 0o600);
  let written = 0;
  try {
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      if (written + buf.length > max) {
        // Keep what fits (a resumable upload may continue from it), refuse the rest.
        const room = max - written;
        if (room > 0) await fh.write(buf, 0, room, position + written);
        written += Math.max(room, 0);
        throw tooMuch();
      }
      await fh.write(buf, 0, buf.length, position + written);
      written += buf.length;
    }
    await fh.sync();
  } catch (err) {
    // A full disk is the user's to fix (507 with a reason), not a server fault.
    if (err instanceof HttpError) throw err;
    throw fsHttpError(err, "upload");
  } finally {
    await fh.close();
  }
  return written;
}

export class UploadStore {
  private busy = new Set<string>();

  constructor(private opts: UploadStoreOptions) {}

  /** Creates the staging folder and drops single-shot temp files left by a crash (none can be in flight). */
  async init(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.opts.dir)) {
      if (name.startsWith("single-")) await rm(path.join(this.opts.dir, name), { force: true });
    }
  }

  /** PUT /files/upload: the whole file in one request, streamed to staging, then renamed into place. */
  async single(base: FileBase, input: string, req: IncomingMessage, opts: { overwrite: boolean; parents: boolean }): Promise<FileEntry> {
    const limit = this.opts.limitBytes;
    const declared = Number(req.headers["content-length"] ?? NaN);
    if (declared > limit) throw new HttpError(413, `upload larger than ${limit} bytes`);
    // Check the destination before accepting any bytes.
    await withFileTarget(base, input, opts, async () => {});
    const tmp = path.join(this.opts.dir, `single-${randomBytes(16).toString("hex")}.part`);
    try {
      const n = await streamInto(req, tmp, "wx", 0, limit, () => new HttpError(413, `upload larger than ${limit} bytes`));
      if (Number.isFinite(declared) && n !== declared) throw new HttpError(400, `upload ended after ${n} of ${declared} bytes`);
      return await withFileTarget(base, input, opts, async ({ rel, parent, name }) => {
        await fsCall("upload", () => moveIntoPlace(base, tmp, parent, name));
        return entryFrom(rel, await lstat(parent.at(name)));
      });
    } catch (err) {
      await rm(tmp, { force: true });
      if ((err as NodeJS.ErrnoException).code === "ECONNRESET" || (err as Error).message === "aborted") {
        this.opts.log.info({ path: input }, "upload cut off: nothing kept");
      }
      throw err;
    }
  }

  /** POST /files/uploads: registers a resumable upload after checking its destination and size. */
  async create(req: UploadCreate): Promise<UploadState> {
    if (req.size > this.opts.limitBytes) throw new HttpError(413, `upload larger than ${this.opts.limitBytes} bytes`);
    const base = await this.opts.baseFor(req.scope);
    const rel = await withFileTarget(base, req.path, { parents: true, overwrite: req.overwrite }, async (t) => t.rel);
    const meta: UploadMeta = {
      uploadId: randomBytes(16).toString("hex"),
      scope: req.scope,
      path: rel,
      size: req.size,
      ...(req.sha256 ? { sha256: req.sha256 } : {}),
      overwrite: req.overwrite,
      createdAt: new Date().toISOString(),
    };
    await writeFile(this.partFile(meta.uploadId), "", { mode: 0o600 });
    await writeFile(this.metaFile(meta.uploadId), JSON.stringify(meta), { mode: 0o600 });
    if (meta.size === 0) return this.finish(meta);
    return { uploadId: meta.uploadId, scope: meta.scope, path: meta.path, size: meta.size, offset: 0, complete: false };
  }

  async state(id: string): Promise<UploadState> {
    const meta = await this.meta(id);
    const offset = (await stat(this.partFile(id))).size;
    return { uploadId: id, scope: meta.scope, path: meta.path, size: meta.size, offset, complete: false };
  }

  /** PUT /files/uploads/:id: appends a chunk that starts at the current offset; completes at the last byte. */
  async chunk(id: string, start: number, req: IncomingMessage): Promise<UploadState> {
    const meta = await this.meta(id);
    if (this.busy.has(id)) throw new HttpError(409, "another chunk of this upload is being received");
    this.busy.add(id);
    try {
      const part = this.partFile(id);
      const offset = (await stat(part)).size;
      if (start !== offset) throw new HttpError(409, `chunk starts at ${start}, the upload is at ${offset}`, { offset });
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (declared > meta.size - offset) throw new HttpError(413, `chunk runs past the declared size of ${meta.size} bytes`);
      try {
        await streamInto(req, part, "r+", offset, meta.size - offset, () => new HttpError(413, `chunk runs past the declared size of ${meta.size} bytes`));
      } finally {
        // Bytes that arrived stay: the next chunk continues from them.
        await this.touch(id);
      }
      const now = (await stat(part)).size;
      if (now < meta.size) return { uploadId: id, scope: meta.scope, path: meta.path, size: meta.size, offset: now, complete: false };
      return await this.finish(meta);
    } finally {
      this.busy.delete(id);
    }
  }

  async remove(id: string): Promise<void> {
    await this.meta(id);
    if (this.busy.has(id)) throw new HttpError(409, "a chunk of this upload is being received");
    await this.discard(id);
  }

  /** Removes uploads untouched for `ttlMs` (and parts without metadata). Returns the ids removed. */
  async sweep(ttlMs: number, now = Date.now()): Promise<string[]> {
    const removed: string[] = [];
    let names: string[];
    try {
      names = await readdir(this.opts.dir);
    } catch {
      return removed;
    }
    const ids = new Set(names.map((n) => /^([0-9a-f]{32})\.(part|json)$/.exec(n)?.[1]).filter((x): x is string => !!x));
    for (const id of ids) {
      if (this.busy.has(id)) continue;
      const times = await Promise.all([this.partFile(id), this.metaFile(id)].map((f) => stat(f).then((s) => s.mtimeMs).catch(() => null)));
      const orphan = times.includes(null);
      const last = Math.max(...times.map((t) => t ?? 0));
      if (orphan || now - last > ttlMs) {
        await this.discard(id);
        removed.push(id);
      }
    }
    if (removed.length) this.opts.log.info({ removed: removed.length }, "stale uploads removed");
    return removed;
  }

  private async finish(meta: UploadMeta): Promise<UploadState> {
    const part = this.partFile(meta.uploadId);
    if (meta.sha256) {
      const hash = createHash("sha256");
      for await (const c of createReadStream(part)) hash.update(c as Buffer);
      const got = hash.digest("hex");
      if (got !== meta.sha256) {
        await this.discard(meta.uploadId);
        throw new HttpError(422, "sha256 mismatch: the upload was discarded, start again", { expected: meta.sha256, got });
      }
    }
    const base = await this.opts.baseFor(meta.scope);
    // Re-resolve: the folder may have changed while the bytes arrived.
    await withFileTarget(base, meta.path, { parents: true, overwrite: meta.overwrite }, ({ parent, name }) =>
      fsCall("upload", () => moveIntoPlace(base, part, parent, name)),
    );
    await rm(this.metaFile(meta.uploadId), { force: true });
    return { uploadId: meta.uploadId, scope: meta.scope, path: meta.path, size: meta.size, offset: meta.size, complete: true };
  }

  private async meta(id: string): Promise<UploadMeta> {
    if (!ID_RE.test(id)) throw new HttpError(404, "no such upload");
    let raw: string;
    try {
      raw = await readFile(this.metaFile(id), "utf8");
    } catch {
      throw new HttpError(404, "no such upload");
    }
    const parsed = metaSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new HttpError(404, "no such upload");
    return parsed.data;
  }

  private async touch(id: string): Promise<void> {
    const now = new Date();
    await utimes(this.metaFile(id), now, now).catch(() => undefined);
  }

  private async discard(id: string): Promise<void> {
    await rm(this.partFile(id), { force: true });
    await rm(this.metaFile(id), { force: true });
  }

  private partFile(id: string) {
    return path.join(this.opts.dir, `${id}.part`);
  }
  private metaFile(id: string) {
    return path.join(this.opts.dir, `${id}.json`);
  }
}
