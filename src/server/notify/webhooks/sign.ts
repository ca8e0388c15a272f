import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Generic webhooks are signed so a receiver can tell they come from us and are fresh:
 *   X-ZLH-Timestamp: <unix seconds>
 *   X-ZLH-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * A receiver recomputes the HMAC over the exact bytes and refuses timestamps older than 5 minutes
 * (replays).
 */
export const TIMESTAMP_HEADER = "x-zlh-timestamp";
export const SIGNATURE_HEADER = "x-zlh-signature";
export const DEFAULT_TOLERANCE_S = 300;

export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function signedHeaders(secret: string, body: string, now = Date.now()): Record<string, string> {
  const ts = Math.floor(now / 1000);
  return { [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signature(secret, ts, body) };
}

/** What a receiver does (used by our tests and documented for users). */
export function verifySignature(secret: string, headers: { timestamp?: string; signature?: string }, body: string, now = Date.now(), toleranceS = DEFAULT_TOLERANCE_S): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(now / 1000 - ts) > toleranceS || !headers.signature) return false;
  const want = Buffer.from(signature(secret, ts, body));
  const got = Buffer.from(headers.signature);
  return want.length === got.length && timingSafeEqual(want, got);
}
