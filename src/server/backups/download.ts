import { Readable } from "node:stream";
import { parseRange, sha256Etag } from "../artifacts/http-policy";
import { backupStore } from "./config";
import { backupForDownload } from "./service";

const json = (status: number, error: string) => Response.json({ error }, { status });

/**
 * GET of a finished backup's archive for its owner: streamed from the store, one byte range when
 * asked (206/416, If-Range on the archive's sha256 ETag) so an interrupted download resumes.
 */
export async function downloadBackup(userId: string, serverId: string, backupId: string, headers: Headers): Promise<Response> {
  const b = await backupForDownload(userId, serverId, backupId);
  if (!b || b.size === null || !b.sha256) return json(404, "No such backup.");
  const etag = sha256Etag(b.sha256);
  const ifRange = headers.get("if-range");
  const range = ifRange && ifRange.trim() !== etag ? ({ kind: "full" } as const) : parseRange(headers.get("range") ?? undefined, b.size);
  const common = { etag, "accept-ranges": "bytes", "cache-control": "private, no-store", "content-disposition": `attachment; filename="${serverId}-${backupId}.tar.gz"` };
  if (range.kind === "unsatisfiable") return new Response(null, { status: 416, headers: { ...common, "content-range": `bytes */${b.size}` } });
  const opened = await backupStore().open(serverId, backupId, range.kind === "partial" ? { start: range.start, end: range.end } : undefined);
  if (!opened) return json(404, "No such backup.");
  const body = Readable.toWeb(opened.stream) as ReadableStream<Uint8Array>;
  if (range.kind === "partial") {
    return new Response(body, { status: 206, headers: { ...common, "content-type": "application/gzip", "content-length": String(range.end - range.start + 1), "content-range": `bytes ${range.start}-${range.end}/${b.size}` } });
  }
  return new Response(body, { status: 200, headers: { ...common, "content-type": "application/gzip", "content-length": String(b.size) } });
}
