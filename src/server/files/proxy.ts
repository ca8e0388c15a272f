import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { uploadCreateSchema, uploadIdSchema, relativePathSchema } from "../../../agent/src/contract";
import type { AgentFetchInit } from "../agent-client/transport";
import { agentFetch as agentFetchFor } from "./agent-fetch";
import { fileTarget, type FileTarget } from "./service";

/**
 * Streaming file transfers between the browser and a server's agent (downloads, resumable upload
 * chunks). Callers (route handlers) have checked the session; ownership and state are checked here
 * through fileTarget. Bodies stream through without being held in memory; a chunk is cut off at
 * MAX_CHUNK_BYTES. Paths and upload ids go only to the agent's guarded files API.
 */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

const statusOfCode: Partial<Record<TRPCError["code"], number>> = { NOT_FOUND: 404, CONFLICT: 409, BAD_REQUEST: 400, FORBIDDEN: 403, UNAUTHORIZED: 401 };

export function jsonError(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { "cache-control": "no-store" } });
}

/** Runs a proxy step; TRPCErrors from the ownership checks become their HTTP statuses. */
export async function answer(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TRPCError) return jsonError(statusOfCode[err.code] ?? 500, err.message);
    return jsonError(502, "The server's agent did not answer. Try again in a moment.");
  }
}

function agentFetch(t: FileTarget, path: string, init: AgentFetchInit = {}): Promise<Response> {
  return agentFetchFor(t.server, path, init);
}

/** The agent's answer passed on: JSON bodies as they are, with only safe headers. */
async function relayJson(r: Response): Promise<Response> {
  const text = await r.text();
  return new Response(text, { status: r.status, headers: { "content-type": "application/json", "cache-control": "no-store" } });
}

/** A stream that errors once more than `limit` bytes went through. */
export function capped(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        seen += chunk.byteLength;
        if (seen > limit) ctl.error(new Error(`chunk larger than ${limit} bytes`));
        else ctl.enqueue(chunk);
      },
    }),
  );
}

export async function proxyDownload(userId: string, serverId: string, path: string): Promise<Response> {
  const rel = relativePathSchema.min(1).safeParse(path);
  if (!rel.success) return jsonError(400, "Choose a file to download.");
  const t = await fileTarget(userId, serverId);
  // Relayed to the browser as it streams (never held whole), so no total limit.
  const r = await agentFetch(t, `/files/download?scope=${t.scope}&path=${encodeURIComponent(rel.data)}`, { maxResponseBytes: Infinity });
  if (!r.ok || !r.body) return relayJson(r);
  const name = rel.data.split("/").pop() || "download";
  const headers: Record<string, string> = {
    "content-type": "application/octet-stream",
    "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
  const len = r.headers.get("content-length");
  if (len) headers["content-length"] = len;
  return new Response(r.body, { status: 200, headers });
}

const createBody = uploadCreateSchema.omit({ scope: true }).strict();

export async function proxyUploadCreate(userId: string, serverId: string, body: unknown): Promise<Response> {
  const parsed = createBody.safeParse(body);
  if (!parsed.success) return jsonError(400, parsed.error.issues[0]?.message ?? "invalid upload");
  const t = await fileTarget(userId, serverId);
  const r = await agentFetch(t, "/files/uploads", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...parsed.data, scope: t.scope }),
  });
  return relayJson(r);
}

const offsetSchema = z.coerce.number().int().min(0);

export async function proxyUploadChunk(userId: string, serverId: string, uploadId: string, offset: string | null, req: Request): Promise<Response> {
  if (!uploadIdSchema.safeParse(uploadId).success) return jsonError(400, "invalid upload id");
  const off = offsetSchema.safeParse(offset);
  if (!off.success) return jsonError(400, "offset must be a byte position");
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_CHUNK_BYTES) return jsonError(413, `a chunk may hold at most ${MAX_CHUNK_BYTES} bytes`);
  if (!req.body) return jsonError(400, "the chunk is empty");
  const t = await fileTarget(userId, serverId);
  try {
    const r = await agentFetch(t, `/files/uploads/${uploadId}?offset=${off.data}`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: capped(req.body, MAX_CHUNK_BYTES),
      duplex: "half",
    });
    return relayJson(r);
  } catch (err) {
    if (/larger than/.test(String((err as Error).cause ?? err))) return jsonError(413, `a chunk may hold at most ${MAX_CHUNK_BYTES} bytes`);
    // The browser went away mid-chunk or the agent closed: the client resumes from GET's offset.
    return jsonError(502, "The chunk did not arrive completely; resume from the current offset.");
  }
}

export async function proxyUploadState(userId: string, serverId: string, uploadId: string, method: "GET" | "DELETE"): Promise<Response> {
  if (!uploadIdSchema.safeParse(uploadId).success) return jsonError(400, "invalid upload id");
  const t = await fileTarget(userId, serverId);
  return relayJson(await agentFetch(t, `/files/uploads/${uploadId}`, { method }));
}
