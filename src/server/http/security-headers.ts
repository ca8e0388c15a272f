import type { HttpRoute } from "./routes";

/**
 * Security headers on every portal response (pages, route handlers, tRPC, artifacts): the portal may
 * not be framed (clickjacking), browsers must not guess content types, and other sites get only our
 * origin as referrer. HSTS only when the portal is served over https. Dev hosts (the hosted IDE) are
 * answered before this route and keep code-server's own rules.
 *
 * The CSP is limited to directives that need no per-request nonce: Next's inline bootstrap scripts
 * (and its dev-mode eval) would need one for script-src.
 */
export const CONTENT_SECURITY_POLICY = "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

export function securityHeaders(opts: { https: boolean }): Record<string, string> {
  return {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    ...(opts.https ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}

export function securityHeadersRoute(https: () => boolean): HttpRoute {
  return (_req, res) => {
    for (const [name, value] of Object.entries(securityHeaders({ https: https() }))) res.setHeader(name, value);
    return false;
  };
}
