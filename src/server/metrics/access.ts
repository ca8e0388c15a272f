import { timingSafeEqual, createHash } from "node:crypto";

/**
 * Who may read /metrics: nobody when no token is configured (404, as if the route did not exist),
 * a caller presenting `Authorization: Bearer <token>` when one is (401 otherwise).
 */
export type MetricsAccess = "allow" | "unauthorized" | "disabled";

const digest = (s: string) => createHash("sha256").update(s).digest();

export function metricsAccess(authorization: string | undefined, token: string | undefined): MetricsAccess {
  if (!token) return "disabled";
  const m = /^Bearer ([^\s]+)$/.exec(authorization ?? "");
  // Comparing digests keeps the comparison constant-time whatever the presented length.
  return m && timingSafeEqual(digest(m[1]!), digest(token)) ? "allow" : "unauthorized";
}
