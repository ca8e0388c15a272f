import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { HttpRoute } from "../http/routes";
import { logger } from "../log/logger";
import {
  cacheControlFor,
  contentTypeFor,
  ifRangeAllows,
  noneMatch,
  parseRange,
  sha256Etag,
  storeRequestPath,
  type StorePathKind,
} from "./http-policy";
import { hashFile } from "./store";

/**
 * Serves the local artifact store over HTTP: GET/HEAD, strong sha256 ETags, 304s, single byte
 * ranges (206/416, If-Range) so agents resume interrupted downloads, immutable caching for
 * versioned files. The ETag is the hash of the bytes on disk, not the catalog's claim, so a
 * tampered file is served under a validator that no longer matches its catalog entry.
 */
export function createArtifactsRoute(opts: { storeDir: () => string; prefix?: string }): HttpRoute {
  const prefix = opts.prefix ?? "/artifacts/";
  const hashes = new HashCache();
  return async (req, res) => {
    const url = req.url ?? "/";
    const pathname = url.split("?")[0]!;
    if (pathname === prefix.slice(0, -1)) {
      res.writeHead(301, { location: prefix }).end();
      return true;
    }
    if (!pathname.startsWith(prefix)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return true;
    }
    const target = storeRequestPath(pathname.slice(prefix.length));
    const storeDir = opts.storeDir();
    const file = target ? await insideStore(storeDir, target.rel) : undefined;
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!target || !file || !info?.isFile()) {
      res.writeHead(404, { "content-type": "text/plain", "cache-control": "no-cache" }).end("not found\n");
      return true;
    }
    if (target.kind === "artifact") {
      const sha = await hashes.get(file, info);
      await send(req, res, target.kind, target.rel, sha256Etag(sha), info.mtime, info.size, (start, end) =>
        createReadStream(file, { start, end }),
      );
    } else {
      // Small and rewritten in place (rename): read once so the bytes and their ETag agree.
      const bytes = await readFile(file);
      const sha = createHash("sha256").update(bytes).digest("hex");
      await send(req, res, target.kind, target.rel, sha256Etag(sha), info.mtime, bytes.length, (start, end) =>
        Readable.from([bytes.subarray(start, end + 1)]),
      );
    }
    return true;
  };
}

/** The real path of a store file, or undefined when it (or a symlink on the way) leaves the store. */
async function insideStore(storeDir: string, rel: string): Promise<string | undefined> {
  try {
    const root = await realpath(storeDir);
    const real = await realpath(path.join(root, rel));
    return real.startsWith(root + path.sep) ? real : undefined;
  } catch {
    return undefined;
  }
}

async function send(
  req: IncomingMessage,
  res: ServerResponse,
  kind: StorePathKind,
  rel: string,
  etag: string,
  mtime: Date,
  size: number,
  body: (start: number, end: number) => Readable,
): Promise<void> {
  const lastModified = mtime.toUTCString();
  const headers: Record<string, string | number> = {
    etag,
    "last-modified": lastModified,
    "cache-control": cacheControlFor(kind),
    "accept-ranges": "bytes",
    "content-type": contentTypeFor(rel),
    "x-content-type-options": "nosniff",
  };
  if (noneMatch(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const decision = ifRangeAllows(header(req, "if-range"), etag, lastModified)
    ? parseRange(header(req, "range"), size)
    : ({ kind: "full" } as const);
  if (decision.kind === "unsatisfiable") {
    res.writeHead(416, { ...headers, "content-range": `bytes */${size}`, "content-length": 0 }).end();
    return;
  }
  const [status, start, end] = decision.kind === "partial" ? [206, decision.start, decision.end] : [200, 0, size - 1];
  if (status === 206) headers["content-range"] = `bytes ${start}-${end}/${size}`;
  headers["content-length"] = size === 0 ? 0 : end - start + 1;
  res.writeHead(status, headers);
  if (req.method === "HEAD" || size === 0) {
    res.end();
    return;
  }
  try {
    await pipeline(body(start, end), res);
  } catch (err) {
    // A client that hangs up mid-download (and resumes later with a range) is normal.
    if ((err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") logger.warn({ err, rel }, "artifact download failed");
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** sha256 of artifact files, remembered while the file's identity (inode, size, mtime) is unchanged. */
class HashCache {
  private readonly entries = new Map<string, { key: string; sha: Promise<string> }>();

  get(file: string, info: { ino: number; size: number; mtimeMs: number }): Promise<string> {
    const key = `${info.ino}:${info.size}:${info.mtimeMs}`;
    const hit = this.entries.get(file);
    if (hit && hit.key === key) return hit.sha;
    const sha = hashFile(file).then((h) => h.sha256);
    sha.catch(() => this.entries.delete(file));
    if (this.entries.size >= 1000) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(file, { key, sha });
    return sha;
  }
}
