import type { IncomingMessage } from "node:http";
import type { HttpRoute } from "../http/routes";

/**
 * Facts about a request that only the custom server knows, handed to Next as headers it overwrites
 * (a client cannot forge them): the client's address for rate limits and the path it asked for, so
 * a layout can send a signed-out visitor to sign in and back.
 */
export const CLIENT_ADDRESS_HEADER = "x-zlh-client-address";
export const REQUEST_PATH_HEADER = "x-zlh-request-path";

/**
 * The client's address. With `trustedHops` reverse proxies in front, each appending the address it
 * saw to X-Forwarded-For, the client is the entry `trustedHops` places from the right: entries to
 * its left were written by the client itself and prove nothing.
 */
export function clientAddress(req: Pick<IncomingMessage, "headers" | "socket">, trustedHops: number): string {
  if (trustedHops > 0) {
    const forwarded = req.headers["x-forwarded-for"];
    const entries = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? ""))
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    const picked = entries[Math.max(0, entries.length - trustedHops)];
    if (picked) return normalizeAddress(picked);
  }
  return normalizeAddress(req.socket.remoteAddress ?? "unknown");
}

/** IPv4 clients of a dual-stack socket show up as ::ffff:a.b.c.d; count them as a.b.c.d. */
export function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/** The path and query the browser asked for, without Next's internal RSC cache-busting parameter. */
export function requestPath(url: string | undefined): string {
  const u = new URL(url ?? "/", "http://local");
  u.searchParams.delete("_rsc");
  return u.pathname + u.search;
}

export function requestContextRoute(trustedHops: number): HttpRoute {
  return (req) => {
    req.headers[CLIENT_ADDRESS_HEADER] = clientAddress(req, trustedHops);
    req.headers[REQUEST_PATH_HEADER] = requestPath(req.url);
    return false;
  };
}

/** The address stamped by the custom server, for route handlers and tRPC context. */
export function clientAddressFrom(headers: Headers): string {
  return headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
}
