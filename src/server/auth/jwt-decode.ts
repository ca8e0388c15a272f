import { decode as nextAuthDecode, type JWT, type JWTDecodeParams } from "next-auth/jwt";

/**
 * Session tokens decoded once, then remembered by their exact text. next-auth's decode derives the
 * key again on every call (HKDF through libuv's thread pool) and decrypts: on a busy machine each
 * request waited for a pool thread and for the event loop again before its session was known.
 * Only tokens that decrypted are kept, under the secret that opened them; an entry is dropped when
 * the token expires (next-auth's 15 s of clock tolerance) or after `ttlMs`, and revocation is not
 * this layer's job (the session version is checked after it, as before).
 */
type Entry = { payload: JWT; secret: string | Buffer; at: number };
type Decode = (params: JWTDecodeParams) => Promise<JWT | null>;
const CLOCK_TOLERANCE_S = 15;

export function createTokenDecoder(o: { max?: number; ttlMs?: number; now?: () => number; decode?: Decode } = {}): Decode {
  const max = o.max ?? 5_000;
  const ttlMs = o.ttlMs ?? 60_000;
  const now = o.now ?? Date.now;
  const decode = o.decode ?? nextAuthDecode;
  const entries = new Map<string, Entry>();
  return async (params) => {
    const { token, secret, salt } = params;
    if (!token || salt) return decode(params);
    const t = now();
    const hit = entries.get(token);
    if (hit) {
      const exp = hit.payload.exp;
      const fresh = t - hit.at < ttlMs && hit.secret === secret && typeof exp === "number" && t / 1000 < exp + CLOCK_TOLERANCE_S;
      if (fresh) return hit.payload;
      entries.delete(token);
    }
    const payload = await decode(params);
    if (payload) {
      // Shared by every request that carries this token: nobody may change it.
      Object.freeze(payload);
      // Oldest first out (Map keeps insertion order).
      if (entries.size >= max) entries.delete(entries.keys().next().value as string);
      entries.set(token, { payload, secret, at: t });
    }
    return payload;
  };
}

export const decodeSessionToken: Decode = createTokenDecoder();
