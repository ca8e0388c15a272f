import { randomBytes } from "node:crypto";
import type { HttpRoute } from "./routes";

/**
 * Security headers on every portal response (pages, route handlers, tRPC, artifacts): the portal may
 * not be framed (clickjacking), browsers must not guess content types, other sites get only our
 * origin as referrer, and only our own scripts run. HSTS only when the portal is served over https.
 * Dev hosts (the hosted IDE) are answered before this route and keep code-server's own rules.
 *
 * Scripts: a fresh nonce per response. Next reads it from the request's CSP header (set here, over
 * anything the client sent) and puts it on its inline bootstrap and its script tags; 'strict-dynamic'
 * lets those load the rest of the app's chunks. A script injected into a page has no nonce and does
 * not run. Pages are therefore rendered per request (the root layout asks for it): a prerendered page
 * would carry no nonce. `next dev` evaluates its modules, hence 'unsafe-eval' there only.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  const scripts = `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`;
  return `${scripts}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'`;
}

export function securityHeaders(opts: { https: boolean; nonce: string; dev: boolean }): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(opts.nonce, opts.dev),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    ...(opts.https ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}

export function securityHeadersRoute(https: () => boolean, dev: boolean): HttpRoute {
  return (req, res) => {
    const headers = securityHeaders({ https: https(), nonce: randomBytes(16).toString("base64"), dev });
    // What Next takes the nonce from; a client's own value must not choose it.
    req.headers["content-security-policy"] = headers["content-security-policy"];
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    return false;
  };
}
