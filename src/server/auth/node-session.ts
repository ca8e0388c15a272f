import type { IncomingMessage } from "node:http";
import { getToken } from "next-auth/jwt";
import { decodeSessionToken } from "./jwt-decode";
import type { AppSession, SessionUser } from "./session";
import { isSessionCurrent } from "./session-version";

/**
 * The signed-in user of a raw Node request, for routes the custom server handles itself
 * (WebSocket upgrades, proxies): it reads and verifies next-auth's session cookie. Pages, route
 * handlers and tRPC use getSession() from ./session instead.
 */
export async function sessionUserFromRequest(req: Pick<IncomingMessage, "headers">): Promise<SessionUser | null> {
  const s = await sessionFromRequest(req);
  return s ? { id: s.user.id, email: s.user.email } : null;
}

/** The same, as getSession() shapes it (for tRPC served by the custom server). */
export async function sessionFromRequest(req: Pick<IncomingMessage, "headers">): Promise<AppSession | null> {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) return null;
  const token = await getToken({
    req: { cookies: parseCookies(req.headers.cookie), headers: req.headers } as unknown as Parameters<typeof getToken>[0]["req"],
    secret,
    decode: decodeSessionToken,
  });
  if (!token?.sub || typeof token.email !== "string") return null;
  // getToken only verifies the JWT; a session revoked by a version bump must not open sockets.
  if (!(await isSessionCurrent(token.sub, token.sv))) return null;
  const expires = new Date((typeof token.exp === "number" ? token.exp : 0) * 1000).toISOString();
  return { user: { id: token.sub, email: token.email, name: null }, expires };
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";").map((p) => p.trim())) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq);
    const raw = part.slice(eq + 1);
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}
