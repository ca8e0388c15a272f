import { allowedOrigins, originAllowed } from "../console/relay-policy";
import { getSession } from "../auth/session";
import { jsonError } from "./proxy";

/**
 * The checks every file route handler makes first: a signed-in session, and for requests that
 * change something an Origin from the portal itself (cookies alone must not let another site write).
 */
export async function requireFileUser(req: Request, mutating: boolean): Promise<string | Response> {
  if (mutating) {
    const url = new URL(req.url);
    const allowed = allowedOrigins([process.env.ZLH_PUBLIC_URL, process.env.NEXTAUTH_URL], req.headers.get("host") ?? url.host, url.protocol === "https:");
    if (!originAllowed(req.headers.get("origin") ?? undefined, allowed)) return jsonError(403, "Forbidden origin");
  }
  const session = await getSession();
  if (!session) return jsonError(401, "Sign in first.");
  return session.user.id;
}
