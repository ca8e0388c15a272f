import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import path from "node:path";
import { mkdir, rename, rm } from "node:fs/promises";
import { Transform, Writable, type Readable, type TransformCallback } from "node:stream";
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

const REDIRECTS = [301, 302, 303, 307, 308];

function get(url: URL, signal: AbortSignal, socketPath: string | undefined): Promise<IncomingMessage> {
  const mod = url.protocol === "https:" && !socketPath ? https : http;
  return new Promise((resolve, reject) => {
    // Own connection (no pool): a stalled download never holds up catalog requests. In a container
    // without a route to the artifact server the provider hands the agent a Unix socket that reaches it.
    const req = mod.get(url, { signal, agent: false, ...(socketPath ? { socketPath } : {}) }, resolve);
    req.setTimeout(STALL_MS, () => req.destroy(new Error("download stalled")));
    req.once("error", reject);
  });
}

/** Opens the artifact download (following a few redirects); returns its first bytes for format sniffing. */
async function openDownload(art: ResolvedArtifact, signal: AbortSignal, socketPath: string | undefined): Promise<{ head: Buffer; source: Readable }> {
  let url = new URL(art.absoluteUrl);
  for (let hops = 0; ; hops++) {
    let res: IncomingMessage;
    try {
      res = await get(url, signal, socketPath);
    } catch (err) {
      throw downloadError(err, signal);
    }
    const status = res.statusCode ?? 0;
    if (REDIRECTS.includes(status) && res.headers.location && hops < 5) {
      res.resume();
      url = new URL(res.headers.location, url);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new HttpError(502, `artifact redirect to ${url.protocol} refused`);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new HttpError(502, `artifact download failed: HTTP ${status}`);
    }
    const declared = res.headers["content-length"];
    if (declared !== undefined && Number(declared) !== art.size) {
      res.destroy();
      throw new HttpError(502, `artifact ${art.name}@${art.version} size mismatch: server sends ${declared} bytes, catalog says ${art.size}`);
    }
    const head = await new Promise<Buffer>((resolve, reject) => {
      const onReadable = () => {
        cleanup();
        const chunk = res.read() as Buffer | null;
        if (chunk) res.unshift(chunk);
        resolve(chunk ?? Buffer.alloc(0));
      };
      const onError = (err: Error) => {
        cleanup();
        reject(downloadError(err, signal));
      };
      const cleanup = () => {
        res.off("readable", onReadable);
        res.off("error", onError);
      };
      res.once("readable", onReadable);
      res.once("error", onError);
    });
    return { head, source: res };
  }
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
  await syncDir(path.dirname(p.target));
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
      const { head, source } = await openDownload(art, p.signal, ctx.config.artifactsSocket);
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
        await pipeline([source, verify, ...(gzip ? [createGunzip({ chunkSize: 256 * 1024 })] : []), vet, tarSink(tar.stdin, reader)], { signal: p.signal });
      } catch (err) {
        if (tar.exitCode === null) tar.kill("SIGKILL");
        const code = await exited;
        bytes.inc(verify.bytes);
        if (code !== null && code !== 0 && !(err instanceof HttpError)) ctx.log.warn({ code, tarErr }, "tar failed");
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

/**
 * Feeds tar's stdin. GNU tar exits as soon as it reads the end-of-archive blocks, possibly before
 * the archive's zero padding arrives: once the header reader has seen the end too, the rest is only
 * hashed (upstream) and dropped here. tar going away any earlier is an error.
 */
function tarSink(stdin: Writable, reader: TarHeaderReader): Writable {
  let gone = false;
  let waiting: (() => void) | null = null;
  const resume = () => {
    const w = waiting;
    waiting = null;
    w?.();
  };
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (gone) return cb();
      if (stdin.write(chunk)) return cb();
      waiting = cb;
      stdin.once("drain", resume);
    },
    final(cb) {
      if (!gone) stdin.end();
      cb();
    },
  });
  stdin.on("error", (err) => {
    gone = true;
    if (!reader.finished) sink.destroy(asArchiveError(err));
    else resume();
  });
  return sink;
}

function asArchiveError(err: unknown): Error {
  if (err instanceof HttpError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ECONNRESET" || e.message === "aborted" || e.message === "download stalled") return new HttpError(502, `artifact download failed: ${e.message}`);
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
      const { source } = await openDownload(art, p.signal, ctx.config.artifactsSocket);
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
      await syncDir(path.dirname(p.target));
      ctx.log.info({ artifact: `${art.name}@${art.version}`, target: containerView(ctx, destFile), bytes: art.size }, "artifact installed");
    }),
  );
}
