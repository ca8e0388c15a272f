import { artifactKinds } from "../../../agent/src/contract/catalog";
import { safeFileName } from "./catalog-ops";

/** Pure HTTP decisions for serving the store: which paths exist, ranges, validators, caching. */

export type StorePathKind = "catalog" | "signature" | "artifact";

/**
 * Maps the part of a URL path after /artifacts/ to a store-relative file, or null when it names
 * nothing the store serves. Only catalog.json, its signature and <kind>/<name>/<version>/<file>
 * are reachable: no dot files (locks, temp files), no traversal, no encoded separators.
 */
export function storeRequestPath(rawSuffix: string): { kind: StorePathKind; rel: string } | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawSuffix);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  // An encoded "/" would let one segment pose as several: the decoded path must split the same way.
  if (decoded.split("/").length !== rawSuffix.split("/").length) return null;
  if (decoded === "catalog.json") return { kind: "catalog", rel: decoded };
  if (decoded === "catalog.json.sig") return { kind: "signature", rel: decoded };
  const parts = decoded.split("/");
  if (parts.length !== 4) return null;
  const [kind, name, version, file] = parts as [string, string, string, string];
  if (!(artifactKinds as readonly string[]).includes(kind)) return null;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) return null;
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version) || version.includes("..")) return null;
  if (!safeFileName(file)) return null;
  return { kind: "artifact", rel: decoded };
}

export type RangeDecision =
  | { kind: "full" }
  | { kind: "partial"; start: number; end: number }
  | { kind: "unsatisfiable" };

/**
 * One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`). Several ranges or a malformed header are
 * answered with the whole file, which RFC 9110 allows; a range starting past the end is 416.
 */
export function parseRange(header: string | undefined, size: number): RangeDecision {
  if (!header) return { kind: "full" };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return { kind: "full" };
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return { kind: "unsatisfiable" };
    return size === 0 ? { kind: "unsatisfiable" } : { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start, end };
}

export function sha256Etag(sha256Hex: string): string {
  return `"sha256-${sha256Hex}"`;
}

/** If-None-Match: weak comparison over a list (or `*`). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/**
 * If-Range: the range applies only when the client's validator still describes this file: a
 * strong ETag match, or an HTTP date equal to Last-Modified. Otherwise the whole file is sent.
 */
export function ifRangeAllows(header: string | undefined, etag: string, lastModified: string): boolean {
  if (!header) return true;
  const v = header.trim();
  if (v.startsWith('"') || v.startsWith("W/")) return v === etag;
  return v === lastModified;
}

export function cacheControlFor(kind: StorePathKind): string {
  // Versioned files never change (publish refuses new bytes under an existing version); the
  // catalog and its signature change on every publish, promote and rollback.
  return kind === "artifact" ? "public, max-age=31536000, immutable" : "no-cache";
}

export function contentTypeFor(rel: string): string {
  if (rel === "catalog.json") return "application/json; charset=utf-8";
  if (rel.endsWith(".sig")) return "text/plain; charset=utf-8";
  if (/\.(tar\.gz|tgz)$/.test(rel)) return "application/gzip";
  if (rel.endsWith(".jar")) return "application/java-archive";
  if (rel.endsWith(".zip")) return "application/zip";
  return "application/octet-stream";
}
