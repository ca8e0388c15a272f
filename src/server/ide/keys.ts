import { hkdfSync } from "node:crypto";

/**
 * Per-purpose keys derived from ZLH_SECRET_KEY with HKDF-SHA256 and distinct labels, so a value
 * signed for one use (an IDE token) can never be accepted as another (an IDE session cookie).
 */
export type KeyLabel = "zlh/ide-token/v1" | "zlh/ide-session/v1";

export function deriveKey(secretHex: string, label: KeyLabel): Uint8Array {
  if (!/^[0-9a-f]{64}$/i.test(secretHex)) throw new Error("ZLH_SECRET_KEY must be 64 hex characters");
  return new Uint8Array(hkdfSync("sha256", Buffer.from(secretHex, "hex"), "zerolaghub", label, 32));
}

const cache = new Map<string, Uint8Array>();

/**
 * The key for `label` from the process environment. Read lazily: server.ts generates the secret in
 * development after env.ts has been evaluated.
 */
export function ideKey(label: KeyLabel): Uint8Array {
  const secret = process.env.ZLH_SECRET_KEY;
  if (!secret) throw new Error("ZLH_SECRET_KEY is not set");
  const id = `${label}:${secret}`;
  let key = cache.get(id);
  if (!key) {
    key = deriveKey(secret, label);
    cache.set(id, key);
  }
  return key;
}
