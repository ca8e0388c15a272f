import { hkdfSync } from "node:crypto";
import { decryptToken, encryptToken } from "../provisioning/token-codec";

/**
 * Values kept encrypted at rest (pending mail payloads with one-shot links, webhook signing
 * secrets): AES-256-GCM under a key derived from ZLH_SECRET_KEY for this purpose only, bound to
 * the row's id so a ciphertext copied to another row does not open.
 */
export type SealPurpose = "zlh/mail-payload/v1" | "zlh/webhook-secret/v1";

function key(purpose: SealPurpose): Buffer {
  const secret = process.env.ZLH_SECRET_KEY;
  if (!secret || !/^[0-9a-f]{64}$/i.test(secret)) throw new Error("ZLH_SECRET_KEY is not set (64 hex characters)");
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "hex"), "zerolaghub", purpose, 32));
}

export function seal(purpose: SealPurpose, value: string, boundTo: string): string {
  return encryptToken(value, key(purpose), boundTo);
}

export function unseal(purpose: SealPurpose, sealed: string, boundTo: string): string {
  return decryptToken(sealed, key(purpose), boundTo);
}
