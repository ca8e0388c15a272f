/**
 * Reads a request or response body up to a byte limit, streaming: a chunked body (no
 * Content-Length) is counted as it arrives and the read stops at the first byte past the limit,
 * so an oversized body never sits in memory whole. A declared Content-Length over the limit is
 * refused before anything is read.
 */
export type BoundedBody = { ok: true; bytes: Buffer } | { ok: false; reason: "too-large" };

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

export async function readBounded(message: Request | Response, limit: number): Promise<BoundedBody> {
  const declared = message.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await message.body?.cancel().catch(() => {});
    return { ok: false, reason: "too-large" };
  }
  if (!message.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return { ok: false, reason: "too-large" };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

/** The body as text, or BodyTooLargeError: for callers that treat an oversized body as a failure. */
export async function readBoundedText(message: Request | Response, limit: number): Promise<string> {
  const r = await readBounded(message, limit);
  if (!r.ok) throw new BodyTooLargeError(limit);
  return r.bytes.toString("utf8");
}

export function payloadTooLarge(limit: number): Response {
  return Response.json({ error: `Payload too large (limit ${limit} bytes).` }, { status: 413, headers: { connection: "close" } });
}
