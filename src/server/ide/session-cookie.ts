import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The IDE session cookie on a dev host: `<vmid>.<userId b64url>.<exp>.<hmac>` (HMAC-SHA256 with its
 * own derived key). Checked on every proxied request, so it is a compact synchronous codec rather
 * than a JWT. Bound to one vmid and one user, with a bounded lifetime.
 */
export const IDE_SESSION_TTL_S = 12 * 60 * 60;

export type IdeSession = { vmid: number; userId: string; expiresAt: Date };

/** Cookie names: `__Host-` under https (the browser then enforces Secure, Path=/ and no Domain). */
export function ideCookieName(secure: boolean): string {
  return secure ? "__Host-zlh_ide" : "zlh_ide";
}

function mac(key: Uint8Array, body: string): string {
  return createHmac("sha256", key).update(body).digest("base64url");
}

export function encodeIdeSession(key: Uint8Array, s: { vmid: number; userId: string; now?: Date; ttlSeconds?: number }): string {
  const ttl = Math.min(s.ttlSeconds ?? IDE_SESSION_TTL_S, IDE_SESSION_TTL_S);
  const exp = Math.floor((s.now ?? new Date()).getTime() / 1000) + ttl;
  const body = `${s.vmid}.${Buffer.from(s.userId, "utf8").toString("base64url")}.${exp}`;
  return `${body}.${mac(key, body)}`;
}

const SHAPE = /^([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{1,172})\.([1-9][0-9]{0,10})\.([A-Za-z0-9_-]{43})$/;

/** The session when the cookie is authentic, unexpired and made for this vmid; otherwise null. */
export function decodeIdeSession(key: Uint8Array, value: string, opts: { vmid: number; now?: Date }): IdeSession | null {
  const m = SHAPE.exec(value);
  if (!m) return null;
  const [, vmidText, userB64, expText, sig] = m as unknown as [string, string, string, string, string];
  const expected = Buffer.from(mac(key, `${vmidText}.${userB64}.${expText}`));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const vmid = Number(vmidText);
  const exp = Number(expText);
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (vmid !== opts.vmid || exp <= now || exp - now > IDE_SESSION_TTL_S) return null;
  const userId = Buffer.from(userB64, "base64url").toString("utf8");
  if (!userId) return null;
  return { vmid, userId, expiresAt: new Date(exp * 1000) };
}

/** The Set-Cookie value: host-only (no Domain), HttpOnly, SameSite=Lax, Secure under https. */
export function ideSessionSetCookie(value: string, secure: boolean, maxAgeSeconds = IDE_SESSION_TTL_S): string {
  return `${ideCookieName(secure)}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** The first value of cookie `name` in a Cookie header, without parsing the rest. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
