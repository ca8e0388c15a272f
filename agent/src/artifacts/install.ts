import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { Readable, Transform, Writable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { AgentContext } from "../context";
import { HttpError } from "../http/errors";
import { syncDir } from "../fs/atomic";
import type { ResolvedArtifact } from "./resolve";
import { EntryGuard } from "./entry-guard";
import { TarHeaderReader } from "./tar-headers";
import { staysInside } from "./tree-guard";
import { containerView, withInstallLock, type LockedPaths } from "./install-locks";
import { installMetrics } from "./metrics";

export type InstallProgress = { phase: "download" | "extract" | "verify"; bytesDone: number; bytesTotal: number };
export type InstallOptions = {
  onProgress?: (p: InstallProgress) => void;
  signal?: AbortSignal;
  /** Runs on the extracted, verified temp dir just before it is renamed into place (e.g. a runtime's own check). */
  beforeCommit?: (tmpDir: string) => Promise<void>;
};

/** A download that sends nothing for this long is abandoned. */
const STALL_MS = 60_000;

/** At most ~10 progress reports a second, plus every phase change and the final byte. */
function throttle(fn: ((p: InstallProgress) => void) | undefined) {
  let last = 0;
  let lastPhase = "";
  return (p: InstallProgress) => {
    if (!fn) return;
    const now = Date.now();
    if (p.phase !== lastPhase || now - last >= 100 || p.bytesDone === p.bytesTotal) {
      last = now;
      lastPhase = p.phase;
      fn(p);
    }
  };
}

/** Counts and hashes the bytes as they pass; refuses more than the catalog size, checks both at the end. */
class VerifyStream extends Transform {
  private hash = createHash("sha256");
  bytes = 0;
  constructor(
    private art: ResolvedArtifact,
    private onBytes: (n: number) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.art.size) return cb(new HttpError(502, `artifact ${this.art.name}@${this.art.version} is larger than its catalog size (${this.art.size} bytes)`));
    this.hash.update(chunk);
    this.onBytes(this.bytes);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (this.bytes !== this.art.size) {
      return cb(new HttpError(502, `artifact ${this.art.name}@${this.art.version} truncated: got ${this.bytes} of ${this.art.size} bytes`));
    }
    const digest = this.hash.digest("hex");
    if (digest !== this.art.sha256) return cb(new HttpError(502, `artifact ${this.art.name}@${this.art.version} sha256 mismatch (got ${digest})`));
    cb();
  }
}

/** Opens the artifact download; the body comes back as a Node stream with a stall watchdog. */
async function openDownload(art: ResolvedArtifact, signal: AbortSignal): Promise<{ head: Buffer; source: Readable }> {
  const stall = new AbortController();
  const both = AbortSignal.any([signal, stall.signal]);
  let timer = setTimeout(() => stall.abort(new Error("download stalled")), STALL_MS);
  const kick = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new Error("download stalled")), STALL_MS);
  };
  let res: Response;
  try {
    res = await fetch(art.absoluteUrl, { signal: both });
  } catch (err) {
    clearTimeout(timer);
    throw downloadError(err, signal);
  }
  if (!res.ok || !res.body) {
    clearTimeout(timer);
    await res.body?.cancel().catch(() => undefined);
    throw new HttpError(502, `artifact download failed: HTTP ${res.status}`);
  }
  const declared = res.headers.get("content-length");
  if (declared !== null && Number(declared) !== art.size) {
    clearTimeout(timer);
    await res.body.cancel().catch(() => undefined);
    throw new HttpError(502, `artifact ${art.name}@${art.version} size mismatch: server sends ${declared} bytes, catalog says ${art.size}`);
  }
  const reader = res.body.getReader();
  const read = async (): Promise<Buffer | null> => {
    try {
      const r = await reader.read();
      kick();
      return r.done ? null : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    } catch (err) {
      throw downloadError(err, signal);
    }
  };
  const head = (await read()) ?? Buffer.alloc(0);
  async function* chunks() {
    try {
      if (head.length) yield head;
      for (let c = await read(); c; c = await read()) yield c;
    } finally {
      clearTimeout(timer);
      reader.cancel().catch(() => undefined);
    }
  }
  return { head, source: Readable.from(chunks(), { objectMode: false }) };
}

function downloadError(err: unknown, signal: AbortSignal): Error {
  if (err instanceof HttpError) return err;
  if (signal.aborted) return new HttpError(503, `install aborted: ${(signal.reason as Error)?.message ?? "aborted"}`);
  const cause = (err as { cause?: Error }).cause?.message;
  return new HttpError(502, `artifact download failed: ${(err as Error).message}${cause ? ` (${cause})` : ""}`);
}

/** Moves the finished temp dir or file into place; an existing target is swapped out, then removed. */
async function commit(p: LockedPaths): Promise<void> {
  if (existsSync(p.target)) {
    await rename(p.target, p.old);
    await rename(p.tmp, p.target);
    await rm(p.old, { recursive: true, force: true });
  } else {
    await rename(p.tmp, p.target);
  }
  await syncDir(p.tmp.slice(0, p.tmp.lastIndexOf("/")));
}

function record<T>(ctx: AgentContext, art: ResolvedArtifact, work: () => Promise<T>): Promise<T> {
  const m = installMetrics(ctx.metrics);
  const end = m.duration.startTimer({ kind: art.kind });
  return work().then(
    (v) => {
      end();
      m.installs.inc({ kind: art.kind, result: "ok" });
      return v;
    },
    (err: unknown) => {
      m.installs.inc({ kind: art.kind, result: "failed" });
      throw err;
    },
  );
}

/**
 * Installs a tar(.gz) artifact into `targetDir`: one streamed download, sha256 and size checked in
 * the same pass, gunzip in-process, the system tar writing the files into a temp sibling while a
 * header reader vets every member (a hostile one kills tar), then symlinks checked on disk, then an
 * atomic rename. Nothing is left behind on failure. One install per target at a time (409).
 */
export async function installArchive(ctx: AgentContext, art: ResolvedArtifact, targetDir: string, opts: InstallOptions = {}): Promise<void> {
  const progress = throttle(opts.onProgress);
  await record(ctx, art, () =>
    withInstallLock(ctx, targetDir, opts.signal, async (p) => {
      await mkdir(p.tmp, { recursive: true, mode: 0o755 });
      progress({ phase: "download", bytesDone: 0, bytesTotal: art.size });
      const { head, source } = await openDownload(art, p.signal);
      const verify = new VerifyStream(art, (n) => progress({ phase: "download", bytesDone: n, bytesTotal: art.size }));
      const gzip = head[0] === 0x1f && head[1] === 0x8b;

      const guard = new EntryGuard();
      const reader = new TarHeaderReader((e) => {
        const reason = guard.check(e);
        if (reason) throw new HttpError(502, `archive rejected: ${reason}`);
      });
      const vet = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          try {
            reader.push(chunk);
          } catch (err) {
            return cb(asArchiveError(err));
          }
          cb(null, chunk);
        },
        flush(cb) {
          try {
            reader.end();
          } catch (err) {
            return cb(asArchiveError(err));
          }
          cb();
        },
      });

      const tar = spawn("tar", ["-x", "-f", "-", "-C", p.tmp, "--no-same-owner", "--no-overwrite-dir"], { stdio: ["pipe", "ignore", "pipe"] });
      let tarErr = "";
      tar.stderr.on("data", (d: Buffer) => (tarErr = (tarErr + d.toString()).slice(-2000)));
      const exited = new Promise<number | null>((resolve) => tar.once("close", (code) => resolve(code)));
      tar.once("error", () => undefined);
      const bytes = installMetrics(ctx.metrics).bytes;
      try {
        await pipeline([source, verify, ...(gzip ? [createGunzip()] : []), vet, tar.stdin as Writable], { signal: p.signal });
      } catch (err) {
        tar.kill("SIGKILL");
        await exited;
        bytes.inc(verify.bytes);
        if (p.signal.aborted && !(err instanceof HttpError)) throw new HttpError(503, "install aborted");
        if (!(err instanceof HttpError) && tarErr.trim()) throw new HttpError(502, `extracting ${art.name}@${art.version} failed: ${tarErr.trim()}`);
        throw asArchiveError(err);
      }
      bytes.inc(verify.bytes);
      const code = await exited;
      if (code !== 0) throw new HttpError(502, `extracting ${art.name}@${art.version} failed: ${tarErr.trim() || `tar exited with ${code}`}`);
      progress({ phase: "extract", bytesDone: art.size, bytesTotal: art.size });

      progress({ phase: "verify", bytesDone: art.size, bytesTotal: art.size });
      for (const link of guard.symlinkPaths) {
        if (!(await staysInside(p.tmp, link))) throw new HttpError(502, `archive rejected: symlink ${JSON.stringify(link)} points outside the target`);
      }
      if (p.signal.aborted) throw new HttpError(503, "install aborted");
      await opts.beforeCommit?.(p.tmp);
      await commit(p);
      ctx.log.info({ artifact: `${art.name}@${art.version}`, target: containerView(ctx, targetDir), bytes: art.size }, "artifact installed");
    }),
  );
}

function asArchiveError(err: unknown): Error {
  if (err instanceof HttpError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === "EPIPE" || e.code === "ERR_STREAM_PREMATURE_CLOSE") return new HttpError(502, "extraction stopped early (tar refused the archive)");
  if (e.code?.startsWith("Z_") || /tar|header|pax/i.test(e.message)) return new HttpError(502, `archive rejected: ${e.message}`);
  return new HttpError(502, `artifact install failed: ${e.message}`);
}

/** Installs a single verified file (e.g. a mod .jar): written under a temp name, then renamed over `destFile`. */
export async function installFile(ctx: AgentContext, art: ResolvedArtifact, destFile: string, opts: InstallOptions = {}): Promise<void> {
  const progress = throttle(opts.onProgress);
  await record(ctx, art, () =>
    withInstallLock(ctx, destFile, opts.signal, async (p) => {
      progress({ phase: "download", bytesDone: 0, bytesTotal: art.size });
      const { source } = await openDownload(art, p.signal);
      const verify = new VerifyStream(art, (n) => progress({ phase: "download", bytesDone: n, bytesTotal: art.size }));
      try {
        await pipeline([source, verify, createWriteStream(p.tmp, { mode: 0o644 })], { signal: p.signal });
      } catch (err) {
        installMetrics(ctx.metrics).bytes.inc(verify.bytes);
        throw p.signal.aborted && !(err instanceof HttpError) ? new HttpError(503, "install aborted") : asArchiveError(err);
      }
      installMetrics(ctx.metrics).bytes.inc(verify.bytes);
      progress({ phase: "verify", bytesDone: art.size, bytesTotal: art.size });
      await opts.beforeCommit?.(p.tmp);
      await rename(p.tmp, p.target);
      await syncDir(p.target.slice(0, p.target.lastIndexOf("/")));
      ctx.log.info({ artifact: `${art.name}@${art.version}`, target: containerView(ctx, destFile), bytes: art.size }, "artifact installed");
    }),
  );
}
