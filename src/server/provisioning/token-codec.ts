import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Agent tokens at rest: AES-256-GCM under ZLH_SECRET_KEY, so a database leak alone does not hand out
 * bearer tokens. Format: `v1.<iv b64url>.<tag b64url>.<ciphertext b64url>`; the server id is bound
 * as additional data so a ciphertext copied onto another server row does not decrypt.
 */
const VERSION = "v1";

export function generateAgentToken(): string {
  return randomBytes(32).toString("hex");
}

export function parseSecretKey(hex: string | undefined): Buffer {
  if (!hex || !/^[0-9a-f]{64}$/i.test(hex)) throw new Error("ZLH_SECRET_KEY must be 64 hex characters (32 bytes)");
  return Buffer.from(hex, "hex");
}

export function encryptToken(token: string, key: Buffer, boundTo: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(boundTo));
  const ct = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export function decryptToken(encoded: string, key: Buffer, boundTo: string): string {
  const parts = encoded.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new Error("unrecognised agent token encoding");
  const [, iv, tag, ct] = parts as [string, string, string, string];
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(boundTo));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("agent token does not decrypt with this key and server");
  }
}
